import { sql } from 'kysely';
import type { EventMetadata, RecordedEvent } from '@netfleet/events/event-envelope';
import type { Database } from './database';

interface EventRow {
  position: number; event_id: string; stream_id: string; stream_version: number; type: string;
  schema_version: number; data: unknown; metadata: Record<string, unknown>; recorded_at: Date;
}

const toRecorded = (r: EventRow): RecordedEvent => ({
  position: r.position, eventId: r.event_id, streamId: r.stream_id, streamVersion: r.stream_version,
  type: r.type, v: r.schema_version, data: r.data, metadata: r.metadata as unknown as EventMetadata,
  recordedAt: r.recorded_at.toISOString(),
});

/** One stream's events in version order. */
export async function readStream(db: Database, streamId: string): Promise<RecordedEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('stream_id', '=', streamId).orderBy('stream_version').execute();
  return rows.map(toRecorded);
}

export interface ReadAllOptions {
  /** Exclusive lower bound. */
  after?: number;
  limit?: number;
  /** Inclusive upper bounds (time travel). */
  untilPosition?: number;
  untilTime?: Date;
}

/**
 * A page of the global log in position order. It stops below the oldest transaction still in
 * flight: positions are taken at insert, so a transaction that commits later can hold a lower
 * position than one already visible, and a reader that moved past it would never see it.
 */
export async function readAll(db: Database, options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
  let query = db.selectFrom('events').selectAll()
    .where('position', '>', options.after ?? 0)
    .where(sql<boolean>`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('position').limit(options.limit ?? 1000);
  if (options.untilPosition !== undefined) query = query.where('position', '<=', options.untilPosition);
  if (options.untilTime !== undefined) query = query.where('recorded_at', '<=', options.untilTime);
  return (await query.execute()).map(toRecorded);
}
