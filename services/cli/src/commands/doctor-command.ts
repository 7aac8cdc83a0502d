import type { Command } from 'commander';
import type { Connection } from '../connection';
import type { CliIo } from './cli-io';
import { defaultDoctorOptions, runDoctor } from './doctor-checks';

/** doctor: run on a host, checks what netfleet needs there and prints one line per check, with a fix. */
export function registerDoctorCommand(program: Command, connection: () => Connection, io: CliIo): void {
  const defaults = defaultDoctorOptions();
  program.command('doctor').description('check this host: API and token, PostgreSQL and NATS, the agent, OVS, the bridges, the clock')
    .option('--host <name>', 'this host\'s name in the fleet', defaults.host)
    .option('--agent <url>', 'the local agent\'s metrics listener', defaults.agentUrl)
    .option('--ovs-db <db>', 'this host\'s OVS database', defaults.ovsDb)
    .option('--json', 'print JSON')
    .action(async (opts: { host: string; agent: string; ovsDb: string; json?: boolean }) => {
      const lines = await runDoctor(connection(), { host: opts.host, agentUrl: opts.agent, ovsDb: opts.ovsDb, maxSkewSeconds: defaults.maxSkewSeconds });
      if (opts.json) io.out(`${JSON.stringify(lines, null, 2)}\n`);
      else for (const l of lines) io.out(`${l.ok ? 'ok  ' : 'FAIL'}  ${l.check}: ${l.found}${l.fix ? `\n      fix: ${l.fix}` : ''}\n`);
      if (lines.some((l) => !l.ok)) io.setExitCode(1);
    });
}
