import { sql } from 'kysely';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { Database } from './database';
import { endOfMillisecond, toRecorded } from './read';

export interface HistoryFilter {
  /** A network's own events and the host outcomes about it (host streams, data.network). */
  network?: string;
  /** A host's own events and the network events placing a network on it. */
  host?: string;
  actor?: string;
  /** One command and everything it caused (host outcomes carry the command's correlation id). */
  correlationId?: string;
  types?: string[];
  /** Inclusive bounds on the time the events were recorded (`until` covers its whole millisecond). */
  since?: Date;
  until?: Date;
  /** Inclusive upper bound on position. */
  untilPosition?: number;
  /** Exclusive lower bound on position, for paging. */
  after?: number;
  limit?: number;
}

/** Events matching every given filter, in position order. */
export async function readHistory(db: Database, filter: HistoryFilter): Promise<RecordedEvent[]> {
  let query = db.selectFrom('events').selectAll().where('position', '>', filter.after ?? 0);
  if (filter.network !== undefined) {
    const network = filter.network;
    query = query.where((eb) => eb.or([
      eb('stream_id', '=', `network:${network}`),
      sql<boolean>`(stream_id LIKE 'host:%' AND data->>'network' = ${network})`,
    ]));
  }
  if (filter.host !== undefined) {
    const host = filter.host;
    query = query.where((eb) => eb.or([
      eb('stream_id', '=', `host:${host}`),
      sql<boolean>`(stream_id LIKE 'network:%' AND jsonb_exists(coalesce(data->'hosts', '[]'::jsonb), ${host}))`,
    ]));
  }
  if (filter.actor !== undefined) query = query.where(sql<boolean>`metadata->>'actor' = ${filter.actor}`);
  if (filter.correlationId !== undefined) query = query.where(sql<boolean>`metadata->>'correlationId' = ${filter.correlationId}`);
  if (filter.types !== undefined && filter.types.length > 0) query = query.where('type', 'in', filter.types);
  if (filter.since !== undefined) query = query.where('recorded_at', '>=', filter.since as never);
  if (filter.untilPosition !== undefined) query = query.where('position', '<=', filter.untilPosition);
  if (filter.until !== undefined) query = query.where('recorded_at', '<', endOfMillisecond(filter.until) as never);
  const rows = await query.orderBy('position').limit(filter.limit ?? 1000).execute();
  return rows.map(toRecorded);
}
