import { Command, CommanderError } from 'commander';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { ApiClient } from './api-client';
import { registerFormatCommand } from './commands/format-command';
import { registerLifecycleCommands } from './commands/lifecycle-commands';
import { registerQueryCommands } from './commands/query-commands';
import { resolveConnection } from './connection';

const io = {
  out: (text: string) => { process.stdout.write(text); },
  err: (text: string) => { process.stderr.write(text); },
  setExitCode: (code: number) => { process.exitCode = code; },
};

const program = new Command('netfleet')
  .description('virsh-like network verbs for a fleet of Open vSwitch hosts')
  .option('--api <url>', 'API URL (default: NETFLEET_API, or the dev fleet\'s .netfleet/dev/fleet.json)')
  .option('--token <token>', 'API token (default: NETFLEET_TOKEN, or the dev fleet\'s)')
  .showHelpAfterError()
  .exitOverride();

const client = () => new ApiClient(resolveConnection(program.opts<{ api?: string; token?: string }>()));
registerLifecycleCommands(program, client, io);
registerQueryCommands(program, client, io);
registerFormatCommand(program, io);
for (const register of [(await import('./commands/history-commands')).registerHistoryCommands, (await import('./commands/admin-commands')).registerAdminCommands]) register(program, client, io);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode;
  } else if (isNetfleetError(e)) {
    for (const line of e.message.split('\n')) io.err(`error: ${line}\n`);
    process.exitCode = 1;
  } else {
    io.err(`error: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
