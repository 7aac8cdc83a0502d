import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { HostEventType } from '@netfleet/events/host-events';
import { NetworkEventType } from '@netfleet/events/network-events';

/** One line of a history, as auditors read it: when, who, what, and for a redefinition the diff. */
export interface HistoryEntry {
  position: number;
  /** When it happened (the deciding process's clock) and when the store recorded it. */
  at: string;
  recordedAt: string;
  actor: string;
  source: string;
  stream: string;
  type: string;
  network: string | null;
  host: string | null;
  correlationId: string;
  causationId: string | null;
  comment: string | null;
  /** What happened, in words. */
  summary: string;
  /** For a redefinition: the unified diff of the XML. */
  diff: string | null;
}

type Data = Record<string, unknown>;
const list = (hosts: unknown) => (Array.isArray(hosts) && hosts.length > 0 ? hosts.join(', ') : 'no hosts');

/** Words for one event. Unknown types (newer than this code) are named, never dropped. */
function summarize(type: string, data: Data): string {
  switch (type) {
    case NetworkEventType.Defined:
      return data['diff'] ? `redefined (placed on ${list(data['hosts'])})` : `defined${data['persistent'] === false ? ' (transient)' : ''} on ${list(data['hosts'])}`;
    case NetworkEventType.Started: return `started on ${list(data['hosts'])}`;
    case NetworkEventType.Destroyed: return `destroyed on ${list(data['hosts'])}`;
    case NetworkEventType.Undefined: return 'undefined';
    case NetworkEventType.AutostartChanged: return `autostart ${data['autostart'] ? 'enabled' : 'disabled'}`;
    case NetworkEventType.PlacementChanged:
      return `placement now ${list(data['hosts'])}${(data['added'] as string[] | undefined)?.length ? `; added ${list(data['added'])}` : ''}${(data['removed'] as string[] | undefined)?.length ? `; removed ${list(data['removed'])}` : ''}`;
    case HostEventType.NetworkStartedOnHost: {
      const warnings = (data['warnings'] as string[] | undefined) ?? [];
      return `running on ${String(data['host'])} (generation ${String(data['generation'])})${warnings.length ? `; warnings: ${warnings.join('; ')}` : ''}`;
    }
    case HostEventType.NetworkStoppedOnHost: return `stopped on ${String(data['host'])} (generation ${String(data['generation'])})`;
    case HostEventType.NetworkFailedOnHost: return `failed on ${String(data['host'])} (generation ${String(data['generation'])}): ${String(data['error'])}`;
    case HostEventType.ControllerConnectionChanged:
      return `controller ${String(data['target'])} ${data['connected'] ? 'connected' : 'disconnected'} on ${String(data['host'])}${data['lastError'] ? ` (${String(data['lastError'])})` : ''}`;
    case HostEventType.DriftDetected:
      return `drift on ${String(data['host'])}${data['repaired'] ? ' (repaired)' : ''}: ${((data['differences'] as string[] | undefined) ?? []).join('; ')}`;
    case HostEventType.PortAttached:
    case HostEventType.PortDetached: {
      const who = data['vmUuid'] ? `VM ${data['domain'] ? `${String(data['domain'])} (${String(data['vmUuid'])})` : String(data['vmUuid'])}` : 'no VM';
      const verb = type === HostEventType.PortAttached ? 'attached to' : 'detached from';
      return `port ${String(data['interface'])}${data['mac'] ? ` (${String(data['mac'])})` : ''} of ${who} ${verb} ${String(data['bridge'])} on ${String(data['host'])}`;
    }
    case HostEventType.AgentStarted: return `agent ${String(data['agentVersion'])} started on ${String(data['host'])}`;
    case HostEventType.HostRegistered: return `host ${String(data['host'])} registered`;
    case HostEventType.HostWentOffline: return `host ${String(data['host'])} went offline`;
    case HostEventType.HostCameOnline: return `host ${String(data['host'])} came online`;
    default: return type;
  }
}

/** A recorded event as a history entry. Pure. */
export function toHistoryEntry(event: RecordedEvent): HistoryEntry {
  const data = (event.data ?? {}) as Data;
  const network = typeof data['network'] === 'string' ? data['network'] : event.streamId.startsWith('network:') ? event.streamId.slice('network:'.length) : null;
  const host = typeof data['host'] === 'string' ? data['host'] : event.streamId.startsWith('host:') ? event.streamId.slice('host:'.length) : null;
  return {
    position: event.position, at: event.metadata.occurredAt, recordedAt: event.recordedAt,
    actor: event.metadata.actor, source: event.metadata.source, stream: event.streamId, type: event.type,
    network, host, correlationId: event.metadata.correlationId, causationId: event.metadata.causationId ?? null,
    comment: event.metadata.comment ?? null, summary: summarize(event.type, data),
    diff: typeof data['diff'] === 'string' ? data['diff'] : null,
  };
}
