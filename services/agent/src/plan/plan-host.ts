import {
  NETFLEET_KEY_PREFIX,
  NETFLEET_OWNER,
  OwnershipMark,
  type BridgeSpec,
  type ControllerSpec,
} from './bridge-spec';
import type { ObservedBridge, ObservedController } from './observed-bridge';
import { CONTROLLER_COLUMN, CONTROLLER_KNOBS, type ControllerKnob, type OvsOp } from './ovs-op';
import { planSsl, type PlanSslOptions } from './plan-ssl';
import { RefusalCode, refusalOf, type Refusal } from './refusal';
import { validateBridgeSpec } from './validate-bridge-spec';

/**
 * desired + observed → the exact OVS changes (pure: no I/O, no clock).
 *
 * - desired bridge absent → create it with every column;
 * - present and owned (external_ids:netfleet-owner=netfleet) → change only what differs, and say
 *   what in `drift` ("<what> <observed> != <desired>");
 * - present but not owned → never touched: a refusal (NF_OVS_BRIDGE_FOREIGN);
 * - owned but no longer desired → deleted; unmarked bridges nobody asked for are ignored;
 * - converged → no ops.
 * Refused bridges are left exactly as they are (not created, changed or deleted).
 */
export interface HostPlan {
  ops: OvsOp[];
  refusals: Refusal[];
  drift: Drift[];
}

/** What differed on an existing owned bridge, each entry "<what> <observed> != <desired>". */
export interface Drift {
  network: string;
  bridge: string;
  what: string[];
}

/**
 * `ssl`: host-wide PKI (wins over the networks' own). `observedSsl`: the host's SSL row from
 * observeHost — pass it whenever a network uses PKI, or every pass re-sets the SSL row.
 * `held`: networks whose bridge is left exactly as it is (not created, changed or deleted), as
 * for a refusal — OVS refused their last apply and nothing in their definition changed since.
 */
export interface PlanHostOptions extends PlanSslOptions {
  held?: ReadonlySet<string>;
}

export function planHost(desired: BridgeSpec[], observed: ObservedBridge[], options: PlanHostOptions = {}): HostPlan {
  const refusals: Refusal[] = [];
  const drift: Drift[] = [];
  const byName = new Map(observed.map((b) => [b.name, b]));

  // 1. Which desired bridges can go ahead at all. Sorted so the plan does not depend on the
  // order the specs arrived in.
  const sorted = [...desired].sort((a, b) => cmp(a.bridge, b.bridge) || cmp(a.network, b.network));
  const claimed = new Set<string>(); // bridge names a desired spec speaks for (even if refused)
  let accepted: BridgeSpec[] = [];
  for (const spec of sorted) {
    if (claimed.has(spec.bridge)) {
      const first = sorted.find((s) => s.bridge === spec.bridge)!;
      refusals.push(refusalOf(spec, RefusalCode.bridgeDuplicate, { network: spec.network, bridge: spec.bridge, usedBy: first.network }));
      continue;
    }
    claimed.add(spec.bridge);
    if (options.held?.has(spec.network)) continue;
    const problems = validateBridgeSpec(spec);
    if (problems.length > 0) {
      refusals.push(refusalOf(spec, RefusalCode.specInvalid, { subject: `network ${spec.network}, bridge ${spec.bridge}`, problems }));
      continue;
    }
    const existing = byName.get(spec.bridge);
    if (existing && !isOwned(existing)) {
      refusals.push(refusalOf(spec, RefusalCode.bridgeForeign, { network: spec.network, bridge: spec.bridge, ownerKey: OwnershipMark.owner }));
      continue;
    }
    accepted.push(spec);
  }

  // 2. One SSL configuration per host.
  const ssl = planSsl(accepted, options);
  for (const r of ssl.refusals) refusals.push(r);
  const refusedForSsl = new Set(ssl.refusals.map((r) => r.bridge));
  accepted = accepted.filter((s) => !refusedForSsl.has(s.bridge));

  // 3. The ops: deletions first (freeing names), then SSL, then bridges by name.
  const ops: OvsOp[] = [];
  for (const bridge of [...observed].sort((a, b) => cmp(a.name, b.name))) {
    if (isOwned(bridge) && !claimed.has(bridge.name)) ops.push({ kind: 'delete-bridge', bridge: bridge.name });
  }
  ops.push(...ssl.ops);
  for (const spec of accepted) {
    const existing = byName.get(spec.bridge);
    if (!existing) {
      ops.push(addBridge(spec));
      continue;
    }
    const update = updateBridge(spec, existing);
    ops.push(...update.ops);
    if (update.what.length > 0) drift.push({ network: spec.network, bridge: spec.bridge, what: update.what });
  }
  return { ops, refusals, drift };
}

export function isOwned(bridge: Pick<ObservedBridge, 'externalIds'>): boolean {
  return bridge.externalIds[OwnershipMark.owner] === NETFLEET_OWNER;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function desiredExternalIds(spec: BridgeSpec): Record<string, string> {
  return {
    ...spec.extraExternalIds,
    [OwnershipMark.owner]: NETFLEET_OWNER,
    [OwnershipMark.network]: spec.network,
    [OwnershipMark.uuid]: spec.networkUuid,
    [OwnershipMark.generation]: String(spec.generation),
  };
}

function desiredOtherConfig(spec: BridgeSpec): Record<string, string> {
  const config: Record<string, string> = {};
  if (spec.datapathId !== undefined) config['datapath-id'] = spec.datapathId;
  if (spec.description !== undefined) config['dp-desc'] = spec.description;
  return config;
}

/** other_config keys netfleet manages; any other key on the bridge is someone else's. */
const MANAGED_OTHER_CONFIG = ['datapath-id', 'dp-desc'] as const;

function addBridge(spec: BridgeSpec): OvsOp {
  return {
    kind: 'add-bridge',
    bridge: spec.bridge,
    ...(spec.failMode ? { failMode: spec.failMode } : {}),
    otherConfig: desiredOtherConfig(spec),
    externalIds: desiredExternalIds(spec),
    controllers: spec.controllers.map((c) => ({ ...c })),
  };
}

const show = (value: string | number | undefined): string =>
  value === undefined ? '(none)' : typeof value === 'number' ? String(value) : value;

function updateBridge(spec: BridgeSpec, bridge: ObservedBridge): { ops: OvsOp[]; what: string[] } {
  const ops: OvsOp[] = [];
  const what: string[] = [];

  // other_config: only the keys netfleet manages.
  const wantConfig = desiredOtherConfig(spec);
  const setConfig: Record<string, string> = {};
  const removeConfig: string[] = [];
  for (const key of MANAGED_OTHER_CONFIG) {
    const want = wantConfig[key];
    const have = bridge.otherConfig[key];
    if (want === have) continue;
    what.push(`${key} ${show(have)} != ${show(want)}`);
    if (want === undefined) removeConfig.push(key);
    else setConfig[key] = want;
  }

  // external_ids: the desired keys, and removal of stale netfleet-* keys.
  const wantIds = desiredExternalIds(spec);
  const setIds: Record<string, string> = {};
  for (const [key, want] of Object.entries(wantIds)) {
    const have = bridge.externalIds[key];
    if (want === have) continue;
    what.push(`external_ids:${key} ${show(have)} != ${want}`);
    setIds[key] = want;
  }
  const removeIds = Object.keys(bridge.externalIds)
    .filter((key) => key.startsWith(NETFLEET_KEY_PREFIX) && !(key in wantIds))
    .sort();
  for (const key of removeIds) what.push(`external_ids:${key} ${bridge.externalIds[key]} != (none)`);

  const failModeDiffers = spec.failMode !== bridge.failMode;
  if (failModeDiffers) what.push(`fail_mode ${show(bridge.failMode)} != ${show(spec.failMode)}`);

  if (Object.keys(setConfig).length > 0 || Object.keys(setIds).length > 0 || (failModeDiffers && spec.failMode)) {
    ops.push({
      kind: 'set-bridge',
      bridge: spec.bridge,
      ...(failModeDiffers && spec.failMode ? { failMode: spec.failMode } : {}),
      ...(Object.keys(setConfig).length > 0 ? { otherConfig: setConfig } : {}),
      ...(Object.keys(setIds).length > 0 ? { externalIds: setIds } : {}),
    });
  }
  if (failModeDiffers && !spec.failMode) ops.push({ kind: 'clear-fail-mode', bridge: spec.bridge });
  if (removeConfig.length > 0) ops.push({ kind: 'remove-bridge-keys', bridge: spec.bridge, column: 'other_config', keys: removeConfig });
  if (removeIds.length > 0) ops.push({ kind: 'remove-bridge-keys', bridge: spec.bridge, column: 'external_ids', keys: removeIds });

  const controllers = planControllers(spec.bridge, spec.controllers, bridge.controllers);
  ops.push(...controllers.ops);
  what.push(...controllers.what);
  return { ops, what };
}

/**
 * Controllers are a set on the bridge. Rows with the desired target are kept and fixed in place;
 * leftover rows are re-pointed in place (target and knobs) rather than replaced; only a
 * difference in count adds or removes rows. Nothing here ever drops a row to re-create it, so
 * a knob change does not cost a reconnect.
 */
function planControllers(
  bridge: string,
  desired: ControllerSpec[],
  observed: ObservedController[],
): { ops: OvsOp[]; what: string[] } {
  const ops: OvsOp[] = [];
  const what: string[] = [];
  const unmatchedObserved = [...observed];
  const pairs: [ControllerSpec, ObservedController][] = [];
  const unmatchedDesired: ControllerSpec[] = [];
  for (const want of desired) {
    const at = unmatchedObserved.findIndex((o) => o.target === want.target);
    if (at >= 0) pairs.push([want, unmatchedObserved.splice(at, 1)[0]!]);
    else unmatchedDesired.push(want);
  }
  while (unmatchedDesired.length > 0 && unmatchedObserved.length > 0) {
    pairs.push([unmatchedDesired.shift()!, unmatchedObserved.shift()!]);
  }

  for (const [want, have] of pairs) {
    const set: Partial<ControllerSpec> = {};
    const clear: ControllerKnob[] = [];
    if (want.target !== have.target) {
      what.push(`controller target ${have.target} != ${want.target}`);
      set.target = want.target;
    }
    for (const knob of CONTROLLER_KNOBS) {
      const w = want[knob];
      const h = have[knob];
      if (w === h) continue;
      what.push(`controller ${want.target} ${CONTROLLER_COLUMN[knob]} ${show(h)} != ${show(w)}`);
      if (w === undefined) clear.push(knob);
      else (set as Record<string, unknown>)[knob] = w;
    }
    if (Object.keys(set).length > 0 || clear.length > 0) {
      ops.push({ kind: 'update-controller', bridge, uuid: have.uuid, set, clear });
    }
  }
  for (const want of unmatchedDesired) {
    what.push(`controller ${want.target} missing`);
    ops.push({ kind: 'add-controller', bridge, controller: { ...want } });
  }
  for (const have of unmatchedObserved) {
    what.push(`controller ${have.target} not desired`);
    ops.push({ kind: 'remove-controller', bridge, uuid: have.uuid });
  }
  return { ops, what };
}
