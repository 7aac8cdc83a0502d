import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import { toJson, type CliIo } from './cli-io';
import type { FleetAnswer } from '@netfleet/api-types/fleet-answers';
import type { HostNetworkStatusAnswer, NetworkDetailAnswer, NetworkListAnswer } from '@netfleet/api-types/network-answers';

const path = (name: string, rest = '') => `/v1/networks/${encodeURIComponent(name)}${rest}`;

/** What one host runs of a network, in one word: running / failed / stopped / pending / offline… */
export function hostState(status: HostNetworkStatusAnswer | undefined): string {
  if (!status) return 'stopped';
  if (status.observed === 'pending') return `pending (${status.desired === 'running' ? 'starting' : 'stopping'})`;
  return status.observed;
}

/** net-list, net-info, net-dumpxml, net-status. */
export function registerQueryCommands(program: Command, client: () => ApiClient, io: CliIo): void {
  program.command('net-list').description('list networks with their state on each host')
    .option('--all', 'include inactive networks')
    .option('--inactive', 'only inactive networks')
    .option('--host <name>', 'only networks placed on this host')
    .option('--json', 'print JSON')
    .option('--at <when>', 'the fleet as it was at a log position or an ISO-8601 time')
    .action(async (opts: { all?: boolean; inactive?: boolean; host?: string; json?: boolean; at?: string }) => {
      const { networks } = opts.at === undefined
        ? await client().get<NetworkListAnswer>(`/v1/networks${opts.host ? `?host=${encodeURIComponent(opts.host)}` : ''}`)
        : await client().get<FleetAnswer>(`/v1/fleet?at=${encodeURIComponent(opts.at)}`);
      const shown = networks.filter((n) => (opts.inactive ? !n.active : opts.all || n.active))
        .filter((n) => opts.at === undefined || !opts.host || n.hosts.includes(opts.host) || n.perHost[opts.host] !== undefined);
      if (opts.json) { io.out(toJson(shown)); return; }
      io.out(formatTable(['Name', 'State', 'Autostart', 'Persistent', 'Hosts'], shown.map((n) => [
        n.name, n.active ? 'active' : 'inactive', n.autostart ? 'yes' : 'no', n.persistent ? 'yes' : 'no',
        n.hosts.map((h) => `${h}: ${hostState(n.perHost[h])}`).join(', '),
      ])));
    });

  program.command('net-info').argument('<network>', 'network name').description('show a network\'s summary')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const n = await client().get<NetworkDetailAnswer>(path(name));
      if (opts.json) { io.out(toJson(n)); return; }
      const running = n.hosts.filter((h) => n.perHost[h]?.observed === 'running');
      const rows: [string, string][] = [
        ['Name:', n.name], ['UUID:', n.uuid], ['Type:', n.networkType], ['Active:', n.active ? 'yes' : 'no'],
        ['Persistent:', n.persistent ? 'yes' : 'no'], ['Autostart:', n.autostart ? 'yes' : 'no'],
        ['Bridge:', n.bridge ?? '-'], ['Generation:', String(n.generation)],
        ['Hosts:', n.hosts.join(', ')], ['Running on:', `${running.length}/${n.hosts.length}${running.length ? ` (${running.join(', ')})` : ''}`],
      ];
      io.out(rows.map(([k, v]) => `${k.padEnd(16)}${v}`).join('\n') + '\n');
    });

  program.command('net-status').argument('<network>', 'network name').description('each placed host: desired, observed, generation, controller connection, last error')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const n = await client().get<NetworkDetailAnswer>(path(name));
      const statuses = Object.values(n.perHost).sort((a, b) => a.host.localeCompare(b.host));
      if (opts.json) { io.out(toJson({ network: n.name, generation: n.generation, hosts: statuses })); return; }
      io.out(formatTable(['Host', 'Desired', 'Observed', 'Generation', 'Controller', 'Last error'], statuses.map((s) => [
        s.host, s.desired, hostState(s), `${s.appliedGeneration ?? '-'}/${s.generation}`,
        s.controllers.length === 0 ? '-' : s.controllers.map((c) => `${c.target} ${c.connected ? 'connected' : `disconnected${c.lastError ? ` (${c.lastError})` : ''}`}`).join('; '),
        s.lastError ?? '',
      ])));
    });

  program.command('net-dumpxml').argument('<network>', 'network name').description('print a network\'s definition')
    .action(async (name: string) => {
      io.out(await client().getText(path(name, '/xml')));
    });
}
