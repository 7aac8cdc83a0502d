import { HostEventType, isHostEventType } from '@netfleet/events/host-events';
import type { HostView } from './fleet-view';

type HostFoldable = { type: string; data: unknown; metadata: { occurredAt: string } };

/** The host an event is about, for the host view: every host event names its host. */
export function hostKeyOf(event: { type: string; data: unknown }): string | undefined {
  return isHostEventType(event.type) ? (event.data as { host: string }).host : undefined;
}

/**
 * Folds one event into one host's view. A host appears when registered or when its agent first
 * reports; any report from its agent means it is alive.
 */
export function evolveHost(view: HostView | undefined, event: HostFoldable): HostView | undefined {
  const at = event.metadata.occurredAt;
  const host = (event.data as { host: string }).host;
  const base: HostView = view ?? { name: host, labels: {}, registered: false, online: false, since: at, agentVersion: null };
  const online = (v: HostView): HostView => (v.online ? v : { ...v, online: true, since: at });
  switch (event.type) {
    case HostEventType.HostRegistered:
      return { ...base, registered: true, labels: { ...(event.data as { labels: Record<string, string> }).labels } };
    case HostEventType.HostWentOffline:
      return base.online || !view ? { ...base, online: false, since: at } : base;
    case HostEventType.HostCameOnline:
      return online(base);
    case HostEventType.AgentStarted:
      return { ...online(base), agentVersion: (event.data as { agentVersion: string }).agentVersion };
    default:
      return online(base);
  }
}
