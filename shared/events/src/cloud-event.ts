import type { RecordedEvent } from './event-envelope';

/**
 * A recorded event as it leaves netfleet (SSE, NATS subscribers, webhooks, exports): a
 * CloudEvents 1.0 envelope in JSON (structured mode). Extension attribute names follow the spec:
 * lower-case letters and digits only.
 */
export interface CloudEventV1<Data = unknown> {
  specversion: '1.0';
  /** The event's own id: the same event is the same id wherever it is delivered. */
  id: string;
  /** Who emitted it: `/netfleet/api`, or `/netfleet/hosts/<name>` for an agent's report. */
  source: string;
  /** `io.netfleet.<network|host>.<what>`, e.g. `io.netfleet.network.started`. */
  type: string;
  /** The network or host the event is about: `networks/<name>` or `hosts/<name>`. */
  subject: string;
  /** When it happened, as seen by the process that decided it (RFC 3339). */
  time: string;
  datacontenttype: 'application/json';
  /** Where the JSON Schema of `data` is published: an absolute URI (GET /v1/schemas/…). */
  dataschema: string;
  data: Data;
  /** The event's place in the whole log (what `after` / Last-Event-ID resume from). */
  position: number;
  /** The stream it belongs to (`network:<name>` / `host:<name>`) and its version there. */
  streamid: string;
  streamversion: number;
  /** netfleet's own event type and payload version, for consumers that dispatch on them. */
  netfleettype: string;
  dataversion: number;
  actor: string;
  correlationid: string;
  causationid?: string;
  recordedtime: string;
}

const TYPE_PREFIX = 'io.netfleet';

/** `network:ofnet` → `{ kind: 'network', name: 'ofnet' }`. */
function streamOf(streamId: string): { kind: string; name: string } {
  const colon = streamId.indexOf(':');
  return colon < 0 ? { kind: streamId, name: '' } : { kind: streamId.slice(0, colon), name: streamId.slice(colon + 1) };
}

/**
 * The CloudEvents type of a netfleet event: the stream's kind, then the event's name without the
 * words that repeat it (`NetworkStarted` on a network → `network.started`; `NetworkStartedOnHost`
 * on a host → `host.network_started`; `HostWentOffline` → `host.went_offline`).
 */
export function cloudEventTypeOf(eventType: string, streamId: string): string {
  const kind = streamOf(streamId).kind;
  const entity = kind.charAt(0).toUpperCase() + kind.slice(1);
  let rest = eventType.endsWith('OnHost') && kind === 'host' ? eventType.slice(0, -'OnHost'.length) : eventType;
  if (rest.startsWith(entity) && rest.length > entity.length) rest = rest.slice(entity.length);
  const words = rest.match(/[A-Z][a-z0-9]*|[a-z0-9]+/g) ?? [rest];
  return `${TYPE_PREFIX}.${kind}.${words.map((w) => w.toLowerCase()).join('_')}`;
}

/** The path of the JSON Schema for one event type and payload version. */
export function dataSchemaOf(eventType: string, v: number): string {
  return `/v1/schemas/${encodeURIComponent(eventType)}/v${v}`;
}

/**
 * The envelope of a recorded event. `apiUrl` is where the API is reached (its public URL): the
 * spec wants `dataschema` absolute, so consumers can fetch the schema from it.
 */
export function toCloudEvent<Data>(event: RecordedEvent<string, Data>, apiUrl: string): CloudEventV1<Data> {
  const stream = streamOf(event.streamId);
  const source = event.metadata.source === 'api' ? '/netfleet/api' : `/netfleet/hosts/${event.metadata.source.slice('host:'.length)}`;
  return {
    specversion: '1.0',
    id: event.eventId,
    source,
    type: cloudEventTypeOf(event.type, event.streamId),
    subject: `${stream.kind}s/${stream.name}`,
    time: event.metadata.occurredAt,
    datacontenttype: 'application/json',
    dataschema: new URL(dataSchemaOf(event.type, event.v), apiUrl).href,
    data: event.data,
    position: event.position,
    streamid: event.streamId,
    streamversion: event.streamVersion,
    netfleettype: event.type,
    dataversion: event.v,
    actor: event.metadata.actor,
    correlationid: event.metadata.correlationId,
    ...(event.metadata.causationId !== undefined ? { causationid: event.metadata.causationId } : {}),
    recordedtime: event.recordedAt,
  };
}

/**
 * The recorded event a CloudEvent carries, for netfleet's own consumers (the dashboard folds
 * recorded events). What the envelope leaves out (comment, command id) is not needed there.
 */
export function fromCloudEvent<Data>(ce: CloudEventV1<Data>): RecordedEvent<string, Data> {
  const hostSource = '/netfleet/hosts/';
  return {
    eventId: ce.id, type: ce.netfleettype, v: ce.dataversion, data: ce.data,
    metadata: {
      actor: ce.actor, correlationId: ce.correlationid, occurredAt: ce.time,
      source: ce.source.startsWith(hostSource) ? `host:${ce.source.slice(hostSource.length)}` : 'api',
      ...(ce.causationid !== undefined ? { causationId: ce.causationid } : {}),
    },
    position: ce.position, streamId: ce.streamid, streamVersion: ce.streamversion, recordedAt: ce.recordedtime,
  };
}
