import { sql, type Kysely } from 'kysely';
import type { EventMetadata, RecordedEvent } from '@netfleet/events/event-envelope';
import type { Database, Tables } from './database';

interface EventRow {
  position: number; event_id: string; stream_id: string; stream_version: number; type: string;
  schema_version: number; data: unknown; metadata: Record<string, unknown>; recorded_at: Date;
}

export const toRecorded = (r: EventRow): RecordedEvent => ({
  position: r.position, eventId: r.event_id, streamId: r.stream_id, streamVersion: r.stream_version,
  type: r.type, v: r.schema_version, data: r.data, metadata: r.metadata as unknown as EventMetadata,
  recordedAt: r.recorded_at.toISOString(),
});

/** One stream's events in version order. */
export async function readStream(db: Database, streamId: string): Promise<RecordedEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('stream_id', '=', streamId).orderBy('stream_version').execute();
  return rows.map(toRecorded);
}

/** The events one client command recorded on a stream (its idempotency key), in order. */
export async function readCommandEvents(db: Database, streamId: string, commandId: string): Promise<RecordedEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('stream_id', '=', streamId)
    .where(sql<boolean>`metadata->>'commandId' = ${commandId}`).orderBy('stream_version').execute();
  return rows.map(toRecorded);
}

export interface ReadAllOptions {
  /** Exclusive lower bound. */
  after?: number;
  limit?: number;
  /** Inclusive upper bounds (time travel); a time covers its whole millisecond. */
  untilPosition?: number;
  untilTime?: Date;
  /**
   * Stop below transactions still in flight (default). Only a reader that holds the views' lock
   * (a rebuild) may turn it off: it must see every committed event, and appends wait for it.
   */
  inFlightGuard?: boolean;
}

/**
 * A page of the global log in position order. It stops below the oldest transaction still in
 * flight: positions are taken at insert, so a transaction that commits later can hold a lower
 * position than one already visible, and a reader that moved past it would never see it. This is
 * sound because netfleet_append hands out transaction ids and positions in the same order.
 */
export async function readAll(db: Kysely<Tables>, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
  let query = db.selectFrom('events').selectAll()
    .where('position', '>', options.after ?? 0)
    .orderBy('position').limit(options.limit ?? 1000);
  if (options.inFlightGuard !== false) query = query.where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`);
  if (options.untilPosition !== undefined) query = query.where('position', '<=', options.untilPosition);
  if (options.untilTime !== undefined) query = query.where('recorded_at', '<', endOfMillisecond(options.untilTime));
  return (await query.execute()).map(toRecorded);
}

/**
 * The whole log (or up to a bound) as pages of `pageSize`, the next page fetched while the caller
 * works on the current one. Memory stays at two pages whatever the log's length.
 */
export async function* readAllPages(db: Kysely<Tables>, options: Omit<ReadAllOptions, 'limit'> & { pageSize?: number } = {}): AsyncGenerator<RecordedEvent[]> {
  const limit = options.pageSize ?? 5000;
  let next = readAll(db, { ...options, limit });
  try {
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      next = page.length < limit ? Promise.resolve([]) : readAll(db, { ...options, after: page.at(-1)!.position, limit });
      yield page;
    }
  } finally {
    // A caller that stops early leaves the prefetch behind: it must not become an unhandled rejection.
    next.catch(() => undefined);
  }
}

/**
 * PostgreSQL records microseconds, while every time netfleet shows (and takes back) has
 * milliseconds: "until 06:00:00.336" must include an event recorded at 06:00:00.336412.
 */
export const endOfMillisecond = (time: Date): Date => new Date(time.getTime() + 1);
