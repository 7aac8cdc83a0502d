import type { Command } from 'commander';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import { collect, toJson, type CliIo } from './cli-io';
import type { HostAddedAnswer, HostListAnswer } from '@netfleet/api-types/host-answers';

/** host-list, host-add. */
export function registerHostCommands(program: Command, client: () => ApiClient, io: CliIo): void {
  program.command('host-list').description('hosts with their labels, online/offline since when, networks, and libvirt (its URI, or not configured)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { hosts } = await client().get<HostListAnswer>('/v1/hosts');
      if (opts.json) { io.out(toJson(hosts)); return; }
      io.out(formatTable(['Host', 'Labels', 'State', 'Since', 'Networks', 'Libvirt'], hosts.map((h) => [
        h.name, Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(',') || '-',
        h.online ? 'online' : 'offline', h.since, h.networks.join(', ') || '-', h.libvirt ?? '-',
      ])));
    });

  program.command('host-add').argument('<name>', 'host name').description('register a host (with labels) and issue its agent\'s credentials')
    .option('--label <key=value>', 'a label (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { label: string[]; json?: boolean }) => {
      const labels: Record<string, string> = {};
      for (const label of opts.label) {
        const eq = label.indexOf('=');
        if (eq <= 0) throw new NetfleetError('NF_CLI_USAGE', { option: '--label', expected: 'key=value', value: label });
        labels[label.slice(0, eq)] = label.slice(eq + 1);
      }
      const answer = await client().post<HostAddedAnswer>('/v1/hosts', { name, labels });
      if (opts.json) { io.out(toJson(answer)); return; }
      io.out(`Host ${answer.name} registered${Object.keys(labels).length ? ` with labels ${opts.label.join(',')}` : ''}\n`);
      if (answer.nats) io.out(`Agent NATS credentials (shown once): user ${answer.nats.user} password ${answer.nats.password}\n`);
    });
}
