import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import type { NetworkJson } from './network-types';

interface Io { out: (text: string) => void }

/** net-list, net-info, net-dumpxml. */
export function registerQueryCommands(program: Command, client: () => ApiClient, io: Io): void {
  program.command('net-list').description('list networks with their state on each host')
    .option('--all', 'include inactive networks')
    .option('--inactive', 'only inactive networks')
    .option('--json', 'print JSON')
    .option('--at <when>', 'the fleet as it was at a log position or an ISO-8601 time')
    .action(async (opts: { all?: boolean; inactive?: boolean; json?: boolean; at?: string }) => {
      const { networks } = await client().get<{ networks: NetworkJson[] }>(opts.at === undefined ? '/v1/networks' : `/v1/fleet?at=${encodeURIComponent(opts.at)}`);
      const shown = networks.filter((n) => (opts.inactive ? !n.active : opts.all || n.active));
      if (opts.json) { io.out(`${JSON.stringify(shown, null, 2)}\n`); return; }
      io.out(formatTable(['Name', 'State', 'Autostart', 'Persistent', 'Hosts'], shown.map((n) => [
        n.name, n.active ? 'active' : 'inactive', n.autostart ? 'yes' : 'no', n.persistent ? 'yes' : 'no',
        n.hosts.map((h) => `${h}: ${n.perHost[h]?.observed ?? 'stopped'}`).join(', '),
      ])));
    });

  program.command('net-info').argument('<network>', 'network name').description('show a network\'s summary')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const n = await client().get<NetworkJson>(`/v1/networks/${encodeURIComponent(name)}`);
      if (opts.json) { io.out(`${JSON.stringify(n, null, 2)}\n`); return; }
      const rows: [string, string][] = [
        ['Name:', n.name], ['UUID:', n.uuid], ['Type:', n.networkType], ['Active:', n.active ? 'yes' : 'no'],
        ['Persistent:', n.persistent ? 'yes' : 'no'], ['Autostart:', n.autostart ? 'yes' : 'no'],
        ['Generation:', String(n.generation)], ['Hosts:', n.hosts.join(', ')],
      ];
      io.out(rows.map(([k, v]) => `${k.padEnd(16)}${v}`).join('\n') + '\n');
    });

  program.command('net-dumpxml').argument('<network>', 'network name').description('print a network\'s definition')
    .action(async (name: string) => {
      io.out(await client().getText(`/v1/networks/${encodeURIComponent(name)}/xml`));
    });
}
