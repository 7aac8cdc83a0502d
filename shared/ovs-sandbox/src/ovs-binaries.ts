import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

/**
 * Where the Open vSwitch programs live. Debian puts the daemons in /usr/sbin, which is not on
 * every PATH (a non-root shell, a CI runner), so the sbin directories are searched too.
 */
export const OVS_PROGRAMS = [
  'ovsdb-tool',
  'ovsdb-server',
  'ovs-vswitchd',
  'ovs-vsctl',
  'ovs-ofctl',
  'ovs-testcontroller',
] as const;
export type OvsProgram = (typeof OVS_PROGRAMS)[number];

const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/usr/local/bin'];
const SCHEMA_CANDIDATES = [
  process.env.OVS_PKGDATADIR ? join(process.env.OVS_PKGDATADIR, 'vswitch.ovsschema') : undefined,
  '/usr/share/openvswitch/vswitch.ovsschema',
  '/usr/local/share/openvswitch/vswitch.ovsschema',
].filter((p): p is string => p !== undefined);

const cache = new Map<string, string>();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function notInstalled(what: string): NetfleetError {
  return new NetfleetError('NF_OVS_NOT_INSTALLED', { missing: what });
}

/** Absolute path of an OVS program; throws NF_OVS_NOT_INSTALLED when it is missing. */
export function ovsBinary(program: OvsProgram): string {
  const hit = cache.get(program);
  if (hit) return hit;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, program);
    if (isExecutable(candidate)) {
      cache.set(program, candidate);
      return candidate;
    }
  }
  throw notInstalled(program);
}

/** Path of the vswitch database schema that `ovsdb-tool create` needs. */
export function vswitchSchema(): string {
  for (const candidate of SCHEMA_CANDIDATES) {
    try {
      accessSync(candidate, constants.R_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw notInstalled('vswitch.ovsschema');
}
