/**
 * What every recorded event carries besides its payload. Time and ids are passed in by the
 * adapters (the pure core never reads a clock or a random source).
 */
export interface EventMetadata {
  /** Who caused it: the API token's owner, or `host:<name>` for an agent's report. */
  actor: string;
  /** Where it was recorded from: the API, or the host whose agent reported it. */
  source: 'api' | `host:${string}`;
  /** Links a user's command to every host outcome it caused. */
  correlationId: string;
  /** The command (user command id or host command id) that directly caused this event. */
  causationId?: string;
  /** The client's idempotency key for the command that produced this event. */
  commandId?: string;
  /** Optional human reason given with the command. */
  comment?: string;
  /** When it happened (ISO-8601), as seen by the process that decided it. */
  occurredAt: string;
}

/** An event about to be appended. `v` is the payload's schema version (each type starts at 1). */
export interface NewEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  type: Type;
  v: number;
  data: Data;
  metadata: EventMetadata;
}

/** An event as read back from the store, with its place in its stream and in the whole log. */
export interface RecordedEvent<Type extends string = string, Data = unknown> extends NewEvent<Type, Data> {
  position: number;
  streamId: string;
  streamVersion: number;
  recordedAt: string;
}

export const streamIds = {
  network: (name: string) => `network:${name}`,
  host: (host: string) => `host:${host}`,
} as const;
