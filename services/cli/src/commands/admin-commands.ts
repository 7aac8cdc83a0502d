import type { Command } from 'commander';
import type { RebuildAnswer } from '@netfleet/api-types/admin-answers';
import type { ApiClient } from '../api-client';

interface Io { out: (text: string) => void }

/** admin rebuild: the fleet view's tables rebuilt from the event log (admin token). */
export function registerAdminCommands(program: Command, client: () => ApiClient, io: Io): void {
  const admin = program.command('admin').description('administration (needs an admin token)');
  admin.command('rebuild').description('rebuild the fleet view (networks, per-host state, hosts) from the event log')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const r = await client().post<RebuildAnswer>('/v1/admin/rebuild');
      if (opts.json) { io.out(`${JSON.stringify(r, null, 2)}\n`); return; }
      const seconds = r.ms / 1000;
      io.out(`Rebuilt the fleet view from ${r.events} events (up to position ${r.position}) in ${seconds.toFixed(2)} s`
        + `${seconds > 0 ? ` (${Math.round(r.events / seconds)} events/s)` : ''}: ${r.networks} networks, ${r.hosts} hosts\n`);
    });
}
