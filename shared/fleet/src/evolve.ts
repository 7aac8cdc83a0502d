import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { HostEventType, isHostEventType, type HostEventData } from '@netfleet/events/host-events';
import { NetworkEventType, isNetworkEventType, type NetworkEventData } from '@netfleet/events/network-events';
import { ObservedState, type FleetView, type HostNetworkStatus, type NetworkView } from './fleet-view';

type FoldableEvent = Pick<RecordedEvent, 'position' | 'streamVersion' | 'metadata'> & { type: string; v: number; data: unknown };

/** The network an event concerns, if any: the key the projection stores it under. */
export function networkKeyOf(event: { type: string; data: unknown }): string | undefined {
  if (isNetworkEventType(event.type)) return (event.data as { name: string }).name;
  if (isHostEventType(event.type) && event.type !== HostEventType.AgentStarted) {
    return (event.data as { network: string }).network;
  }
  return undefined;
}

/**
 * Folds one event into one network's view. Returns undefined when the network no longer exists.
 * Pure: everything it needs (time, version) is in the event.
 */
export function evolveNetwork(view: NetworkView | undefined, event: FoldableEvent): NetworkView | undefined {
  const at = event.metadata.occurredAt;
  if (isNetworkEventType(event.type)) {
    const e = event as FoldableEvent & NetworkEventData;
    switch (e.type) {
      case NetworkEventType.Defined: {
        const generation = event.streamVersion;
        const base: NetworkView = view ?? {
          name: e.data.name, uuid: e.data.uuid, networkType: e.data.networkType, xml: e.data.xml,
          hosts: [], active: false, persistent: true, autostart: false, generation, version: 0,
          perHost: {}, definedAt: at, updatedAt: at,
        };
        const next: NetworkView = {
          ...base, uuid: e.data.uuid, networkType: e.data.networkType, xml: e.data.xml,
          hosts: [...e.data.hosts], generation, version: event.streamVersion, updatedAt: at,
        };
        return next.active ? withDesired(next, 'running', event, at) : next;
      }
      case NetworkEventType.Started:
        return view && withDesired({ ...view, active: true, version: event.streamVersion, generation: event.streamVersion, updatedAt: at }, 'running', event, at);
      case NetworkEventType.Destroyed:
        return view && withDesired({ ...view, active: false, version: event.streamVersion, generation: event.streamVersion, updatedAt: at }, 'stopped', event, at);
      case NetworkEventType.Undefined:
        return undefined;
    }
  }
  if (isHostEventType(event.type) && view) {
    return withHostOutcome(view, event as FoldableEvent & HostEventData, at);
  }
  return view;
}

/** Every placed host is asked for the new desired state; until it answers it is pending. */
function withDesired(view: NetworkView, desired: 'running' | 'stopped', event: FoldableEvent, at: string): NetworkView {
  const perHost: Record<string, HostNetworkStatus> = {};
  for (const host of view.hosts) {
    const before = view.perHost[host];
    perHost[host] = {
      host, desired, generation: view.generation,
      observed: ObservedState.Pending,
      appliedGeneration: before?.appliedGeneration ?? null,
      lastError: before?.lastError ?? null,
      warnings: before?.warnings ?? [],
      correlationId: event.metadata.correlationId,
      updatedAt: at,
    };
  }
  return { ...view, perHost };
}

function withHostOutcome(view: NetworkView, event: FoldableEvent & HostEventData, at: string): NetworkView {
  if (event.type === HostEventType.AgentStarted) return view;
  const { host, generation } = event.data;
  const before = view.perHost[host];
  // A report about a generation older than one already reported says nothing new.
  if (!before || (before.appliedGeneration !== null && generation < before.appliedGeneration)) return view;
  const status: HostNetworkStatus = { ...before, appliedGeneration: generation, correlationId: event.metadata.correlationId, updatedAt: at };
  switch (event.type) {
    case HostEventType.NetworkStartedOnHost:
      Object.assign(status, { observed: ObservedState.Running, lastError: null, warnings: event.data.warnings });
      break;
    case HostEventType.NetworkStoppedOnHost:
      Object.assign(status, { observed: ObservedState.Stopped, lastError: null, warnings: [] });
      break;
    case HostEventType.NetworkFailedOnHost:
      Object.assign(status, { observed: ObservedState.Failed, lastError: event.data.error });
      break;
  }
  // An outcome for an older generation than the one asked is history, not the answer: stay pending.
  if (generation < before.generation) status.observed = ObservedState.Pending;
  return { ...view, perHost: { ...view.perHost, [host]: status } };
}

/** Folds any event into the whole fleet view (time travel, rebuilds, tests). */
export function evolveFleet(fleet: FleetView, event: FoldableEvent): FleetView {
  const key = networkKeyOf(event);
  if (key === undefined) return { ...fleet, position: event.position };
  const next = evolveNetwork(fleet.networks[key], event);
  const networks = { ...fleet.networks };
  if (next) networks[key] = next;
  else delete networks[key];
  return { networks, position: event.position };
}
