import { Command, CommanderError } from 'commander';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { ApiClient } from './api-client';
import type { CliIo } from './commands/cli-io';
import { resolveConnection } from './connection';
import { groupsFor, type CliDeps } from './verb-groups';

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
const deps: CliDeps = { client: () => new ApiClient(connection()), connection, io };

try {
  for (const register of await Promise.all(groupsFor(process.argv.slice(2)).map((g) => g.load()))) register(program, deps);
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
