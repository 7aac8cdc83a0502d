import { HostEventType, isHostEventType, type HostEventData } from '@netfleet/events/host-events';
import { assertNever } from '@netfleet/errors/assert-never';
import type { HostView } from './fleet-view';

type HostFoldable = { type: string; data: unknown; metadata: { occurredAt: string } };

/** The host an event is about, for the host view: every host event names its host. */
export function hostKeyOf(event: { type: string; data: unknown }): string | undefined {
  return isHostEventType(event.type) ? (event.data as { host: string }).host : undefined;
}

/**
 * Folds one host event into its host's view. A host appears when registered or when its agent
 * first reports; any report from its agent means it is alive.
 */
export function evolveHost(view: HostView | undefined, event: HostFoldable): HostView | undefined {
  const e = event as HostFoldable & HostEventData;
  const at = event.metadata.occurredAt;
  const base: HostView = view ?? { name: e.data.host, labels: {}, registered: false, online: false, since: at, agentVersion: null };
  const online = (v: HostView): HostView => (v.online ? v : { ...v, online: true, since: at });
  switch (e.type) {
    case HostEventType.HostRegistered:
      return { ...base, registered: true, labels: { ...e.data.labels } };
    case HostEventType.HostWentOffline:
      return base.online || !view ? { ...base, online: false, since: at } : base;
    case HostEventType.HostCameOnline:
      return online(base);
    case HostEventType.AgentStarted:
      return { ...online(base), agentVersion: e.data.agentVersion, ...(e.data.libvirt !== undefined ? { libvirt: e.data.libvirt } : {}) };
    case HostEventType.NetworkStartedOnHost:
    case HostEventType.NetworkStoppedOnHost:
    case HostEventType.NetworkFailedOnHost:
    case HostEventType.ControllerConnectionChanged:
    case HostEventType.DriftDetected:
    case HostEventType.PortAttached:
    case HostEventType.PortDetached:
      return online(base);
    default:
      return assertNever(e, 'host event');
  }
}
