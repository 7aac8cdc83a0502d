import { sql, type Transaction } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { NewEvent, RecordedEvent } from '@netfleet/events/event-envelope';
import type { Database, Tables } from './database';
import { isUniqueViolation } from './pg-error';
import { applyInlineProjections, type ViewChange } from './views';

export const NOTIFY_CHANNEL = 'netfleet_events';

/** A message for the outbox: relayed to JetStream after commit, `msgId` de-duplicating. */
export interface OutboxMessage { msgId: string; subject: string; payload: unknown }

export interface AppendRequest {
  streamId: string;
  /** The stream version the change was decided on (0: the stream must not exist), or 'any'. */
  expectedVersion: number | 'any';
  events: NewEvent[];
  /** Messages to publish because of these events, from the views before and after them. */
  outboxFor?: (changes: ViewChange[]) => OutboxMessage[];
}

export interface AppendResult {
  events: RecordedEvent[];
  outbox: OutboxMessage[];
  /** True when every event id was already in the log: a retry, nothing appended. */
  duplicate: boolean;
}

/**
 * Appends events to one stream, folds them into the inline projections and writes the outbox, all
 * in one transaction, then wakes listeners (NOTIFY is delivered at commit). Refuses with
 * NF_STORE_CONFLICT when the stream moved past `expectedVersion`.
 */
export async function appendToStream(db: Database, request: AppendRequest): Promise<AppendResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => appendInTransaction(trx, request));
    } catch (e) {
      // 'any' appends race only with each other for the next version number: take the next one.
      if (request.expectedVersion === 'any' && isUniqueViolation(e, 'events_stream_id_stream_version_key') && attempt < 10) continue;
      if (isUniqueViolation(e, 'events_stream_id_stream_version_key')) {
        throw new NetfleetError('NF_STORE_CONFLICT', `${request.streamId} was changed by someone else since version ${String(request.expectedVersion)}; read it again and retry`, { streamId: request.streamId, expectedVersion: request.expectedVersion });
      }
      if (isUniqueViolation(e, 'events_event_id_key')) return { events: [], outbox: [], duplicate: true };
      throw e;
    }
  }
}

async function appendInTransaction(trx: Transaction<Tables>, request: AppendRequest): Promise<AppendResult> {
  const ids = request.events.map((e) => e.eventId);
  const seen = await trx.selectFrom('events').select('event_id').where('event_id', 'in', ids).execute();
  if (seen.length === ids.length) return { events: [], outbox: [], duplicate: true };

  const current = await trx.selectFrom('events').select((eb) => eb.fn.max('stream_version').as('version'))
    .where('stream_id', '=', request.streamId).executeTakeFirst();
  const currentVersion = current?.version ?? 0;
  if (request.expectedVersion !== 'any' && currentVersion !== request.expectedVersion) {
    throw new NetfleetError('NF_STORE_CONFLICT', `${request.streamId} is at version ${currentVersion}, not ${request.expectedVersion}: someone else changed it; read it again and retry`, { streamId: request.streamId, expectedVersion: request.expectedVersion, actualVersion: currentVersion });
  }

  const rows = await trx.insertInto('events').values(request.events.map((e, i) => ({
    event_id: e.eventId, stream_id: request.streamId, stream_version: currentVersion + i + 1,
    type: e.type, schema_version: e.v, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata),
  }))).returning(['position', 'stream_version', 'recorded_at']).execute();

  const recorded: RecordedEvent[] = request.events.map((e, i) => ({
    ...e, streamId: request.streamId, position: rows[i]!.position, streamVersion: rows[i]!.stream_version,
    recordedAt: rows[i]!.recorded_at.toISOString(),
  }));

  const changes = await applyInlineProjections(trx, recorded);
  const outbox = request.outboxFor?.(changes) ?? [];
  if (outbox.length > 0) {
    await trx.insertInto('outbox').values(outbox.map((m) => ({ msg_id: m.msgId, subject: m.subject, payload: JSON.stringify(m.payload) }))).execute();
  }
  await sql`SELECT pg_notify(${NOTIFY_CHANNEL}, ${String(recorded.at(-1)!.position)})`.execute(trx);
  return { events: recorded, outbox, duplicate: false };
}
