import { Command, CommanderError } from 'commander';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { ApiClient } from './api-client';
import { registerAdminCommands } from './commands/admin-commands';
import type { CliIo } from './commands/cli-io';
import { registerEditCommand } from './commands/edit-command';
import { registerEventCommand } from './commands/event-command';
import { registerFormatCommand } from './commands/format-command';
import { registerHistoryCommands } from './commands/history-commands';
import { registerHostCommands } from './commands/host-commands';
import { registerLifecycleCommands } from './commands/lifecycle-commands';
import { registerQueryCommands } from './commands/query-commands';
import { registerTokenCommands } from './commands/token-commands';
import { resolveConnection } from './connection';

const io: CliIo = {
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

const connection = () => resolveConnection(program.opts<{ api?: string; token?: string }>());
const client = () => new ApiClient(connection());
registerLifecycleCommands(program, client, io);
registerEditCommand(program, client, io);
registerQueryCommands(program, client, io);
registerHistoryCommands(program, client, io);
registerEventCommand(program, connection, io);
registerHostCommands(program, client, io);
registerTokenCommands(program, client, io);
registerAdminCommands(program, client, io);
registerFormatCommand(program, io);

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
