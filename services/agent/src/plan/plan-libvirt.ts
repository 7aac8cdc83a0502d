import { renderErrorMessage } from '@netfleet/errors/error-message';
import type { LibvirtNetworkSpec, ObservedLibvirtNetwork } from './libvirt-network';

/** One virsh step; a plan runs them in order. */
export type LibvirtOp =
  | { kind: 'define'; network: string; spec: LibvirtNetworkSpec }
  | { kind: 'start'; network: string }
  | { kind: 'autostart'; network: string; enabled: boolean }
  | { kind: 'destroy'; network: string }
  | { kind: 'undefine'; network: string };

export interface LibvirtPlan {
  ops: LibvirtOp[];
  /** Networks the host's libvirt cannot take: a network of that name exists that netfleet did not create. */
  refusals: { network: string; uuid: string; message: string }[];
  /** What differed from what this agent had registered (changed or removed by hand), one line each. */
  drift: { network: string; bridge: string; differences: string[] }[];
}

/**
 * The host's libvirt networks against the running networks: define, start and set autostart what
 * is missing, redefine what changed, destroy and undefine netfleet's networks that should no longer
 * be there. Networks without netfleet's mark are never touched; one in the way of a desired
 * network is a refusal. `registered`: what this agent last registered (network → spec), so a
 * difference from it is drift rather than a first registration or an update. Pure.
 */
export function planLibvirt(desired: readonly LibvirtNetworkSpec[], observed: readonly ObservedLibvirtNetwork[], registered: ReadonlyMap<string, LibvirtNetworkSpec>): LibvirtPlan {
  const plan: LibvirtPlan = { ops: [], refusals: [], drift: [] };
  const byName = new Map(observed.map((o) => [o.name, o]));
  const wanted = new Set(desired.map((d) => d.network));
  for (const spec of desired) {
    const have = byName.get(spec.network);
    const before = registered.get(spec.network);
    const drift = (line: string) => {
      if (!before) return;
      const entry = plan.drift.find((d) => d.network === spec.network) ?? { network: spec.network, bridge: spec.bridge, differences: [] };
      if (!plan.drift.includes(entry)) plan.drift.push(entry);
      entry.differences.push(line);
    };
    const op = (o: LibvirtOp) => plan.ops.push(o);
    if (!have) {
      drift(`libvirt network ${spec.network} missing (removed outside netfleet); defined again`);
      op({ kind: 'define', network: spec.network, spec });
      op({ kind: 'start', network: spec.network });
      if (spec.autostart) op({ kind: 'autostart', network: spec.network, enabled: true });
      continue;
    }
    if (!have.owned) {
      plan.refusals.push({ network: spec.network, uuid: have.uuid || '?', message: renderErrorMessage('NF_LIBVIRT_NETWORK_FOREIGN', { network: spec.network, uuid: have.uuid || '?' }) });
      continue;
    }
    const changed = differences(spec, have);
    if (changed.length > 0) {
      for (const line of changed) drift(`libvirt ${line}; redefined`);
      if (have.active) op({ kind: 'destroy', network: spec.network });
      if (have.persistent) op({ kind: 'undefine', network: spec.network });
      op({ kind: 'define', network: spec.network, spec });
      op({ kind: 'start', network: spec.network });
      if (spec.autostart) op({ kind: 'autostart', network: spec.network, enabled: true });
      continue;
    }
    if (!have.persistent) {
      drift(`libvirt network ${spec.network} undefined outside netfleet (left transient); defined again`);
      op({ kind: 'define', network: spec.network, spec });
    }
    if (!have.active) {
      drift(`libvirt network ${spec.network} inactive (destroyed outside netfleet); started again`);
      op({ kind: 'start', network: spec.network });
    }
    if (!have.persistent) {
      if (spec.autostart) op({ kind: 'autostart', network: spec.network, enabled: true });
    } else if (have.autostart !== spec.autostart) {
      // Only a change nobody asked for is drift: netfleet's own autostart did not move.
      if (before?.autostart === spec.autostart) drift(`libvirt autostart ${have.autostart ? 'on' : 'off'} != ${spec.autostart ? 'on' : 'off'}`);
      op({ kind: 'autostart', network: spec.network, enabled: spec.autostart });
    }
  }
  for (const have of observed) {
    if (!have.owned || wanted.has(have.name)) continue;
    if (have.active) plan.ops.push({ kind: 'destroy', network: have.name });
    if (have.persistent) plan.ops.push({ kind: 'undefine', network: have.name });
  }
  return plan;
}

/** "<what> <observed> != <desired>" for each part of libvirt's definition netfleet sets. */
function differences(spec: LibvirtNetworkSpec, have: ObservedLibvirtNetwork): string[] {
  const out: string[] = [];
  const cmp = (what: string, observed: string | undefined, desired: string) => {
    if (observed !== desired) out.push(`${what} ${observed ?? '(none)'} != ${desired}`);
  };
  cmp('uuid', have.uuid, spec.uuid);
  cmp('bridge', have.bridge, spec.bridge);
  cmp('forward mode', have.forwardMode, 'bridge');
  cmp('virtualport', have.virtualport, 'openvswitch');
  return out;
}
