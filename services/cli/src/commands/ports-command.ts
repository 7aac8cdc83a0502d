import type { Command } from 'commander';
import type { ApiClient } from '../api-client';
import { formatTable } from '../output/table';
import { toJson, type CliIo } from './cli-io';
import type { NetworkPortsAnswer } from '@netfleet/api-types/port-answers';

/** net-ports: per host, which VMs are attached to a network (and ports no VM owns). */
export function registerPortsCommand(program: Command, client: () => ApiClient, io: CliIo): void {
  program.command('net-ports').argument('<network>', 'network name').description('per host, the VMs attached to a network (their interfaces on its bridge)')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const answer = await client().get<NetworkPortsAnswer>(`/v1/networks/${encodeURIComponent(name)}/ports`);
      if (opts.json) { io.out(toJson(answer)); return; }
      const rows = answer.hosts.flatMap((h) => h.ports.map((p) => [h.host, p.interface, p.vmUuid ? (p.domain ?? '-') : '(no VM)', p.vmUuid ?? '-', p.mac ?? '-', p.since]));
      io.out(formatTable(['Host', 'Interface', 'VM', 'VM UUID', 'MAC', 'Since'], rows));
    });
}
