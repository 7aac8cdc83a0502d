import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { libvirtNetworkXml, observedLibvirtNetworkOf, type ObservedLibvirtNetwork } from '../plan/libvirt-network';
import type { LibvirtOp } from '../plan/plan-libvirt';

/**
 * The host's libvirt through `virsh -c URI`, one process per call, argv only (names always behind
 * their option, `--network NAME`, so none is read as an option), definitions from a file.
 */
export interface Virsh {
  readonly uri: string;
  /** Every network libvirt has, with its flags and definition. */
  networks(): Promise<ObservedLibvirtNetwork[]>;
  /** Runs one step of a plan. */
  apply(op: LibvirtOp): Promise<void>;
  /** The name of the domain with this uuid, when libvirt knows it. */
  domainName(vmUuid: string): Promise<string | undefined>;
}

export function createVirsh(options: { uri: string; timeoutSeconds?: number; program?: string }): Virsh {
  const program = options.program ?? 'virsh';
  const timeout = (options.timeoutSeconds ?? 20) * 1000;
  const run = async (args: string[]): Promise<string> => {
    const result = await execa(program, ['-q', '-c', options.uri, ...args], { reject: false, stdin: 'ignore', timeout });
    if (!result.failed) return String(result.stdout);
    const stderr = String(result.stderr ?? '').trim();
    if ((result as { code?: string }).code === 'ENOENT') {
      throw new NetfleetError('NF_LIBVIRT_UNREACHABLE', { uri: options.uri, reason: 'virsh is not installed on this host (install libvirt-clients)' });
    }
    if (result.timedOut || /failed to connect|cannot connect|no connection driver|Connection refused|No such file or directory.*sock/i.test(stderr)) {
      throw new NetfleetError('NF_LIBVIRT_UNREACHABLE', { uri: options.uri, reason: stderr || 'virsh timed out', args });
    }
    throw new NetfleetError('NF_LIBVIRT_COMMAND_FAILED', { command: `virsh ${args.join(' ')}`, reason: stderr, uri: options.uri, args });
  };

  return {
    uri: options.uri,
    async networks() {
      // One table for every network's flags (name, state, autostart, persistent), then each definition.
      const rows = (await run(['net-list', '--all'])).split('\n').map(netListRow).filter((r) => r !== undefined);
      return Promise.all(rows.map(async (row) => observedLibvirtNetworkOf(await run(['net-dumpxml', '--network', row.name]), row)));
    },
    async apply(op) {
      switch (op.kind) {
        case 'define': {
          const dir = await mkdtemp(join(tmpdir(), 'nf-virsh-'));
          try {
            const file = join(dir, 'network.xml');
            await writeFile(file, libvirtNetworkXml(op.spec));
            await run(['net-define', '--file', file]);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
          return;
        }
        case 'start': await run(['net-start', '--network', op.network]); return;
        case 'autostart': await run(['net-autostart', '--network', op.network, ...(op.enabled ? [] : ['--disable'])]); return;
        case 'destroy': await run(['net-destroy', '--network', op.network]); return;
        case 'undefine': await run(['net-undefine', '--network', op.network]); return;
      }
    },
    async domainName(vmUuid) {
      try {
        return (await run(['domname', '--domain', vmUuid])).trim() || undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** One line of `virsh -q net-list --all`: "NAME   active|inactive   yes|no   yes|no" (the name may hold spaces). */
export function netListRow(line: string): { name: string; active: boolean; autostart: boolean; persistent: boolean } | undefined {
  const cells = line.trim().split(/\s+/);
  if (cells.length < 4) return undefined;
  const [state, autostart, persistent] = cells.slice(-3);
  return { name: cells.slice(0, -3).join(' '), active: state === 'active', autostart: autostart === 'yes', persistent: persistent === 'yes' };
}
