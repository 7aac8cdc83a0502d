import { sql, type Kysely } from 'kysely';
import type { EventMetadata, RecordedEvent } from '@netfleet/events/event-envelope';
import type { FoldableEvent } from '@netfleet/fleet/evolve';
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
   * (a rebuild) may turn it off: it must see every committed event, and appends wait for it; or a
   * reader bounded by `untilPosition` at or below a position a guarded read already passed (the
   * event stream's catch-up): nothing can appear there any more.
   */
  inFlightGuard?: boolean;
}

/**
 * A page of the global log in position order, never passing a position that may still appear.
 * Positions are taken at insert, so a transaction that commits later can hold a lower position
 * than one already visible, and a reader that moved past it would never see it. Two rules keep
 * readers safe without stalling them:
 * - a run of positions with no gap from `after` is complete (nothing can appear inside it), so it
 *   is delivered at once — even while some unrelated long transaction runs in the cluster;
 * - past a gap, only events older than every transaction still in flight are delivered (the
 *   pg_snapshot_xmin guard): the gap is either an append still in flight or one rolled back. This
 *   is sound because netfleet_append hands out transaction ids and positions in the same order.
 */
export async function readAll(db: Kysely<Tables>, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
  const page = (guarded: boolean) => {
    let query = db.selectFrom('events').selectAll()
      .where('position', '>', options.after ?? 0)
      .orderBy('position').limit(options.limit ?? 1000);
    if (guarded) query = query.where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`);
    if (options.untilPosition !== undefined) query = query.where('position', '<=', options.untilPosition);
    if (options.untilTime !== undefined) query = query.where('recorded_at', '<', endOfMillisecond(options.untilTime));
    return query.execute();
  };
  const rows = await page(false);
  if (options.inFlightGuard === false) return rows.map(toRecorded);
  let complete = 0;
  while (complete < rows.length && rows[complete]!.position === (options.after ?? 0) + complete + 1) complete++;
  if (complete === rows.length) return rows.map(toRecorded);
  const settled = await page(true);
  return (settled.length > complete ? settled : rows.slice(0, complete)).map(toRecorded);
}

/** The highest position (0: none) that is settled: nothing can ever appear at or below it. */
export async function settledPosition(db: Database): Promise<number> {
  const row = await db.selectFrom('events').select('position')
    .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('transaction_id', 'desc').orderBy('position', 'desc').limit(1).executeTakeFirst();
  return row?.position ?? 0;
}

/**
 * PostgreSQL records microseconds, while every time netfleet shows (and takes back) has
 * milliseconds: "until 06:00:00.336" must include an event recorded at 06:00:00.336412.
 */
export const endOfMillisecond = (time: Date): Date => new Date(time.getTime() + 1);

/**
 * A page of the log with only what the fold reads, built as one JSON document by PostgreSQL: the
 * server (another core) does the per-row work and Node parses one string per page, instead of
 * decoding every column of every row. For rebuilds and time travel over the whole log.
 */
async function readFoldablePage(db: Kysely<Tables>, options: ReadAllOptions = {}): Promise<FoldableEvent[]> {
  const guard = options.inFlightGuard !== false ? sql`AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())` : sql``;
  const untilPosition = options.untilPosition !== undefined ? sql`AND position <= ${options.untilPosition}` : sql``;
  const untilTime = options.untilTime !== undefined ? sql`AND recorded_at < ${endOfMillisecond(options.untilTime)}` : sql``;
  const { rows } = await sql<{ page: FoldableEvent[] | null }>`
    SELECT json_agg(json_build_object('position', position, 'streamVersion', stream_version, 'type', type, 'v', schema_version,
                                      'data', data, 'metadata', metadata) ORDER BY position) AS page
    FROM (SELECT position, stream_version, type, schema_version, data, metadata FROM events
          WHERE position > ${options.after ?? 0} ${guard} ${untilPosition} ${untilTime}
          ORDER BY position LIMIT ${options.limit ?? 1000}) page`.execute(db);
  return rows[0]?.page ?? [];
}

/** The log as foldable pages, the next fetched while the caller folds the current one. */
export async function* readFoldablePages(db: Kysely<Tables>, options: Omit<ReadAllOptions, 'limit'> & { pageSize?: number } = {}): AsyncGenerator<FoldableEvent[]> {
  const limit = options.pageSize ?? 10_000;
  let next = readFoldablePage(db, { ...options, limit });
  try {
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      next = page.length < limit ? Promise.resolve([]) : readFoldablePage(db, { ...options, after: page.at(-1)!.position, limit });
      yield page;
    }
  } finally {
    next.catch(() => undefined);
  }
}
