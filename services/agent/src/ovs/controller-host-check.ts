import { lstatSync } from 'node:fs';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { BridgeSpec } from '../plan/bridge-spec';
import { confinementProblem } from '../plan/controller-confinement';

export interface ControllerHostCheckOptions {
  /** ovs-vswitchd's run directory (OVS_RUNDIR); undefined: not known, confinement not checked. */
  runDir: string | undefined;
}

/**
 * What only the host can know about a bridge's controllers, checked before anything is applied,
 * because OVS reports neither in its database (the Controller row looks like any other):
 * - a passive `punix:PATH` over a file that is not a socket: ovs-vswitchd unlinks whatever is at
 *   PATH to listen there (checked on OVS 3.1: a regular file is replaced by the socket);
 * - a unix-socket target vswitchd's self-confinement skips (see controller-confinement.ts).
 * Either is NF_OVS_CONTROLLER_REFUSED for the network (terminal: the bridge is left as it is).
 */
export function controllerHostRefusal(spec: BridgeSpec, options: ControllerHostCheckOptions): NetfleetError | undefined {
  const problems: string[] = [];
  for (const { target } of spec.controllers) {
    const confined = options.runDir === undefined ? undefined : confinementProblem(target, spec.bridge, options.runDir);
    if (confined) { problems.push(confined); continue; }
    if (!target.startsWith('punix:')) continue;
    const path = target.slice('punix:'.length);
    let kind: string | undefined;
    try {
      const stat = lstatSync(path);
      kind = stat.isSocket() ? undefined : stat.isDirectory() ? 'a directory' : stat.isSymbolicLink() ? 'a symbolic link' : 'a file';
    } catch {
      kind = undefined; // nothing there (or not ours to see): vswitchd makes the socket
    }
    if (kind) problems.push(`${path} is ${kind}, not a socket: ovs-vswitchd would remove it to listen on ${target}`);
  }
  if (problems.length === 0) return undefined;
  return new NetfleetError('NF_OVS_CONTROLLER_REFUSED', { network: spec.network, bridge: spec.bridge, problems, runDir: options.runDir ?? '<rundir>' });
}
