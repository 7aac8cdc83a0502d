import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { HostEventType, type HostEventData } from '@netfleet/events/host-events';
import { NetworkEventType, isNetworkEventType, type NetworkEventData } from '@netfleet/events/network-events';
import { ObservedState, type ControllerStatus, type PortStatus, type FleetView, type HostNetworkStatus, type NetworkView } from './fleet-view';
import { evolveHost, hostKeyOf } from './evolve-host';
import { assertNever } from '@netfleet/errors/assert-never';

export type FoldableEvent = Pick<RecordedEvent, 'position' | 'streamVersion' | 'metadata'> & { type: string; v: number; data: unknown };

/**
 * Which host events are about one network on that host (the rest are about the host itself). A
 * Record over every host event type, so a new one needs an answer here.
 */
const IS_ABOUT_A_NETWORK: Record<HostEventType, boolean> = {
  NetworkStartedOnHost: true, NetworkStoppedOnHost: true, NetworkFailedOnHost: true,
  ControllerConnectionChanged: true, DriftDetected: true, PortAttached: true, PortDetached: true,
  AgentStarted: false, HostRegistered: false, HostWentOffline: false, HostCameOnline: false,
};
const NETWORK_ON_HOST_TYPES: ReadonlySet<string> = new Set(Object.keys(IS_ABOUT_A_NETWORK).filter((t) => IS_ABOUT_A_NETWORK[t as HostEventType]));

/**
 * Which network events fold every placed host's state (they ask the hosts, or prune those that
 * left): the store must give their fold all of the network's placement rows. The others touch
 * the network's own fields only (an undefine removes the rows with the network). A Record over
 * every network event type, so a new one needs an answer here.
 */
const FOLDS_EVERY_PLACEMENT: Record<NetworkEventType, boolean> = {
  NetworkDefined: true, NetworkStarted: true, NetworkDestroyed: true, NetworkPlacementChanged: true,
  NetworkAutostartChanged: false, NetworkUndefined: false,
};

/** Whether folding this event reads and writes every host's state of its network. */
export function foldsEveryPlacement(event: { type: string }): boolean {
  return isNetworkEventType(event.type) && FOLDS_EVERY_PLACEMENT[event.type];
}

/**
 * Whether a host's report on this network may remove the whole network: a transient network that
 * is no longer active is gone once every host has stopped it, so that fold reads every host.
 */
export function mayVanishOnReport(view: Pick<NetworkView, 'persistent' | 'active'>): boolean {
  return !view.persistent && !view.active;
}

/** The network an event concerns, if any: the key the projection stores it under. */
export function networkKeyOf(event: { type: string; data: unknown }): string | undefined {
  if (isNetworkEventType(event.type)) return (event.data as { name: string }).name;
  if (NETWORK_ON_HOST_TYPES.has(event.type)) return (event.data as { network: string }).network;
  return undefined;
}

/**
 * Folds one event into one network's view. Returns undefined when the network no longer exists
 * (undefined, or a transient network every host has stopped). Pure: time and version come from
 * the event.
 */
export function evolveNetwork(view: NetworkView | undefined, event: FoldableEvent): NetworkView | undefined {
  const at = event.metadata.occurredAt;
  if (isNetworkEventType(event.type)) {
    const e = event as FoldableEvent & NetworkEventData;
    const bump = (v: NetworkView): NetworkView => ({ ...v, version: event.streamVersion, generation: event.streamVersion, updatedAt: at });
    switch (e.type) {
      case NetworkEventType.Defined: {
        const base: NetworkView = view ?? {
          name: e.data.name, uuid: e.data.uuid, networkType: e.data.networkType, xml: e.data.xml,
          hosts: [], active: false, persistent: true, autostart: false, generation: 0, version: 0,
          perHost: {}, definedAt: at, updatedAt: at,
        };
        const next = bump({
          ...base, uuid: e.data.uuid, networkType: e.data.networkType, xml: e.data.xml, hosts: [...e.data.hosts],
          persistent: e.data.persistent ?? true,
        });
        return next.active ? withDesired(next, 'running', event, at) : pruneHosts(next);
      }
      case NetworkEventType.Started:
        return view && withDesired(bump({ ...view, active: true }), 'running', event, at);
      case NetworkEventType.Destroyed:
        return view && withDesired(bump({ ...view, active: false }), 'stopped', event, at);
      case NetworkEventType.Undefined:
        return undefined;
      case NetworkEventType.AutostartChanged:
        return view && { ...view, autostart: e.data.autostart, version: event.streamVersion, updatedAt: at };
      case NetworkEventType.PlacementChanged: {
        if (!view) return view;
        const next = bump({ ...view, hosts: [...e.data.hosts] });
        // Removed hosts of a running network are asked to stop; they stay listed until they have.
        return next.active ? withDesired(next, 'running', event, at, e.data.removed) : pruneHosts(next);
      }
      default:
        return assertNever(e, 'network event');
    }
  }
  if (view && NETWORK_ON_HOST_TYPES.has(event.type)) {
    return withHostReport(view, event as FoldableEvent & HostEventData, at);
  }
  return view;
}

/**
 * Every placed host is asked for the new desired state; until it answers it is pending.
 * `stopping` hosts (dropped from a running network's placement) are asked to stop.
 */
function withDesired(view: NetworkView, desired: 'running' | 'stopped', event: FoldableEvent, at: string, stopping: string[] = []): NetworkView {
  const perHost: Record<string, HostNetworkStatus> = {};
  const ask = (host: string, wanted: 'running' | 'stopped') => {
    const before = view.perHost[host];
    perHost[host] = {
      host, desired: wanted, generation: view.generation, observed: ObservedState.Pending,
      appliedGeneration: before?.appliedGeneration ?? null, lastError: before?.lastError ?? null,
      warnings: before?.warnings ?? [], correlationId: event.metadata.correlationId,
      controllers: before?.controllers ?? [], lastDrift: before?.lastDrift ?? null, ports: before?.ports ?? [], updatedAt: at,
    };
  };
  for (const host of view.hosts) ask(host, desired);
  for (const host of stopping) if (!view.hosts.includes(host)) ask(host, 'stopped');
  return { ...view, perHost };
}

/** Hosts no longer placed and no longer running the network leave the view. */
function pruneHosts(view: NetworkView): NetworkView {
  const perHost = Object.fromEntries(Object.entries(view.perHost).filter(([host, s]) => view.hosts.includes(host) || s.observed === ObservedState.Running || s.observed === ObservedState.Pending));
  return { ...view, perHost };
}

function withHostReport(view: NetworkView, event: FoldableEvent & HostEventData, at: string): NetworkView | undefined {
  const data = event.data as { host: string; generation: number };
  const before = view.perHost[data.host];
  if (!before) return view;
  let status: HostNetworkStatus;
  switch (event.type) {
    case HostEventType.ControllerConnectionChanged: {
      const c = event.data;
      const entry: ControllerStatus = { target: c.target, connected: c.connected, state: c.state ?? null, lastError: c.lastError ?? null, since: at };
      status = { ...before, controllers: [...before.controllers.filter((x) => x.target !== c.target), entry].sort((a, b) => a.target.localeCompare(b.target)) };
      break;
    }
    case HostEventType.PortAttached:
    case HostEventType.PortDetached: {
      const p = event.data;
      const others = (before.ports ?? []).filter((x) => x.interface !== p.interface);
      const port: PortStatus = { interface: p.interface, bridge: p.bridge, mac: p.mac ?? null, vmUuid: p.vmUuid ?? null, domain: p.domain ?? null, since: at };
      status = { ...before, ports: event.type === HostEventType.PortAttached ? [...others, port].sort((a, b) => a.interface.localeCompare(b.interface)) : others };
      break;
    }
    case HostEventType.DriftDetected:
      status = { ...before, lastDrift: { differences: event.data.differences, repaired: event.data.repaired, at } };
      break;
    case HostEventType.NetworkStartedOnHost:
    case HostEventType.NetworkStoppedOnHost:
    case HostEventType.NetworkFailedOnHost: {
      // A report about a generation older than one already reported says nothing new.
      if (before.appliedGeneration !== null && data.generation < before.appliedGeneration) return view;
      status = { ...before, appliedGeneration: data.generation, correlationId: event.metadata.correlationId };
      if (event.type === HostEventType.NetworkStartedOnHost) Object.assign(status, { observed: ObservedState.Running, lastError: null, warnings: event.data.warnings });
      else if (event.type === HostEventType.NetworkStoppedOnHost) Object.assign(status, { observed: ObservedState.Stopped, lastError: null, warnings: [], controllers: [] });
      else Object.assign(status, { observed: ObservedState.Failed, lastError: event.data.error });
      // An outcome for an older generation than the one asked is history, not the answer: stay pending.
      if (data.generation < before.generation) status.observed = ObservedState.Pending;
      break;
    }
    case HostEventType.AgentStarted:
    case HostEventType.HostRegistered:
    case HostEventType.HostWentOffline:
    case HostEventType.HostCameOnline:
      return view;
    default:
      return assertNever(event, 'host event');
  }
  const next: NetworkView = { ...view, perHost: { ...view.perHost, [data.host]: { ...status, updatedAt: at } } };
  const settled = pruneHosts(next);
  // A transient network (net-create) is gone once destroyed and stopped everywhere.
  const gone = mayVanishOnReport(settled) && Object.values(settled.perHost).every((s) => s.observed === ObservedState.Stopped);
  return gone ? undefined : settled;
}

/** Folds any event into the whole fleet view (time travel, rebuilds, tests). */
export function evolveFleet(fleet: FleetView, event: FoldableEvent): FleetView {
  return foldFleet([event], fleet);
}

/**
 * Folds events into a fleet view. The accumulator is private and updated in place, so folding a
 * million events costs a million small steps, not a million copies; the input is not touched.
 */
export function foldFleet(events: Iterable<FoldableEvent>, initial?: FleetView): FleetView {
  const fleet: FleetView = { networks: { ...initial?.networks }, hosts: { ...initial?.hosts }, position: initial?.position ?? 0 };
  for (const event of events) {
    const key = networkKeyOf(event);
    if (key !== undefined) {
      const next = evolveNetwork(fleet.networks[key], event);
      if (next) fleet.networks[key] = next;
      else delete fleet.networks[key];
    }
    const hostKey = hostKeyOf(event);
    if (hostKey !== undefined) fleet.hosts[hostKey] = evolveHost(fleet.hosts[hostKey], event)!;
    fleet.position = event.position;
  }
  return fleet;
}
