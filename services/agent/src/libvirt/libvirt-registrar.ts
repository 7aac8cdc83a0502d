import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Logger } from '@netfleet/log/logger';
import type { LibvirtNetworkSpec } from '../plan/libvirt-network';
import { planLibvirt } from '../plan/plan-libvirt';
import type { Virsh } from './virsh';

export interface LibvirtSyncResult {
  /** Networks libvirt could not be brought in line for, with why. */
  failures: Map<string, NetfleetError>;
  /** What was found changed or removed by hand, and whether it was repaired. */
  drift: { network: string; bridge: string; differences: string[]; repaired: boolean }[];
}

/**
 * Keeps the host's libvirt in line with the networks running on its OVS: reads every libvirt
 * network, plans (`plan/plan-libvirt.ts`, pure) and runs the steps network by network, so one
 * refusal does not hold up the others. Remembers what it registered, so a later difference is drift.
 */
export class LibvirtRegistrar {
  private readonly registered = new Map<string, LibvirtNetworkSpec>();

  constructor(private readonly virsh: Virsh, private readonly log: Logger) {}

  /** Networks the fleet says ran here before this agent started: one found missing is drift. */
  assumeRegistered(specs: Iterable<LibvirtNetworkSpec>): void {
    for (const spec of specs) this.registered.set(spec.network, spec);
  }

  async sync(desired: LibvirtNetworkSpec[]): Promise<LibvirtSyncResult> {
    const failures = new Map<string, NetfleetError>();
    let observed;
    try {
      observed = await this.virsh.networks();
    } catch (e) {
      const error = asNetfleetError(e);
      for (const d of desired) failures.set(d.network, error);
      return { failures, drift: [] };
    }
    const plan = planLibvirt(desired, observed, this.registered);
    for (const r of plan.refusals) failures.set(r.network, new NetfleetError('NF_LIBVIRT_NETWORK_FOREIGN', { network: r.network, uuid: r.uuid, uri: this.virsh.uri }));
    for (const op of plan.ops) {
      if (failures.has(op.network)) continue;
      try {
        await this.virsh.apply(op);
      } catch (e) {
        failures.set(op.network, asNetfleetError(e));
      }
    }
    if (plan.ops.length > 0) this.log.info({ ops: plan.ops.map((o) => `${o.kind} ${o.network}`), failed: [...failures.keys()] }, 'libvirt networks updated');
    const before = new Map(this.registered);
    this.registered.clear();
    for (const d of desired) {
      const kept = failures.has(d.network) ? before.get(d.network) : d;
      if (kept) this.registered.set(d.network, kept);
    }
    return { failures, drift: plan.drift.map((d) => ({ ...d, repaired: !failures.has(d.network) })) };
  }
}

function asNetfleetError(e: unknown): NetfleetError {
  return isNetfleetError(e) ? e : new NetfleetError('NF_LIBVIRT_COMMAND_FAILED', { command: 'registering the network with libvirt', reason: String(e) });
}
