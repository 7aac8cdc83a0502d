import { sql } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { NewEvent, RecordedEvent } from '@netfleet/events/event-envelope';
import { poolOf, type Database } from './database';
import { fromPgError, isUniqueViolation, pgCodeOf, pgDetailOf } from './pg-error';
import { appendCacheOf, type AppendCache } from './append-cache';
import { assertNoNul } from './reject-nul';
import { foldIntoDocs, readDocs, viewKeysOf, type StoredDoc } from './views';

export const NOTIFY_CHANNEL = 'netfleet_events';

/** A message for the outbox: relayed to JetStream after commit, `msgId` de-duplicating. */
export interface OutboxMessage { msgId: string; subject: string; payload: unknown }

export interface AppendRequest {
  streamId: string;
  /** The stream version the change was decided on (0: the stream must not exist), or 'any'. */
  expectedVersion: number | 'any';
  events: NewEvent[];
  /**
   * Messages to publish because of these events (the host commands the caller derived from them),
   * recorded in the same transaction. Plain data: the store never calls back into its caller.
   */
  outbox?: readonly OutboxMessage[];
}

export interface AppendResult {
  events: RecordedEvent[];
  outbox: OutboxMessage[];
  /** True when every event id was already in the log: a retry, nothing appended. */
  duplicate: boolean;
}

/** How often an append is folded again after racing with another append on the same view. */
const MAX_ATTEMPTS = 20;

/**
 * Appends events to one stream, folds them into the inline projections, writes the outbox and the
 * projections' checkpoints, all in one transaction, then wakes listeners (NOTIFY is delivered at
 * commit). Refuses with NF_STORE_CONFLICT when the stream moved past `expectedVersion`.
 *
 * One round trip when this process knows the documents (it wrote or read them last), two
 * otherwise: the view documents are read without locks and folded here, then one call of
 * netfleet_append (migrations/0002) writes everything, guarded by the stream version and by the
 * positions the documents were read at. Losing a race on a document only means folding again.
 */
export async function appendToStream(db: Database, request: AppendRequest): Promise<AppendResult> {
  if (request.events.length === 0) return { events: [], outbox: [], duplicate: false };
  // netfleet_append takes them as jsonb, which refuses \u0000: say so before SQL does (the walk
  // only when the text has the escape at all, so the hot path pays one scan).
  const eventsJson = JSON.stringify(request.events);
  if (eventsJson.includes('\\u0000')) assertNoNul(request.events, 'the events');
  const keys = viewKeysOf(request.events);
  const cache = appendCacheOf(db);
  for (let attempt = 1; ; attempt++) {
    const [stored, current] = await Promise.all([
      docsFor(db, cache, keys),
      request.expectedVersion !== 'any' ? request.expectedVersion : (cache.getVersion(request.streamId) ?? streamVersionOf(db, request.streamId)),
    ]);
    const versioned = request.events.map((e, i) => ({ ...e, streamVersion: current + i + 1 }));
    const writes = foldIntoDocs(versioned, stored);
    const outbox = request.outbox ?? [];
    try {
      const rows = await callAppend(db, [request.streamId, current, eventsJson,
        JSON.stringify(writes.map((w) => ({ ...w, doc: w.doc ?? null }))), JSON.stringify(outbox), NOTIFY_CHANNEL]);
      if (rows.length === 0) return { events: [], outbox: [], duplicate: true };
      cache.written(request.streamId, rows.at(-1)!.out_stream_version, writes, rows.at(-1)!.out_position);
      const events = versioned.map((e, i): RecordedEvent => ({
        eventId: e.eventId, type: e.type, v: e.v, data: e.data, metadata: e.metadata, streamId: request.streamId,
        streamVersion: rows[i]!.out_stream_version, position: rows[i]!.out_position, recordedAt: rows[i]!.out_recorded_at.toISOString(),
      }));
      return { events, outbox: [...outbox], duplicate: false };
    } catch (e) {
      cache.forget(request.streamId, keys);
      const code = pgCodeOf(e);
      const versionRace = code === 'NFCON' || isUniqueViolation(e, 'events_stream_id_stream_version_key');
      // 'any' appends race only with each other for the next version number: take the next one.
      // A deadlock between appends writing overlapping view documents in different orders: one
      // of them was rolled back whole, so it simply goes again.
      const deadlock = code === '40P01';
      if (attempt < MAX_ATTEMPTS && (code === 'NFVIE' || deadlock || (versionRace && request.expectedVersion === 'any'))) continue;
      if (isUniqueViolation(e, 'events_event_id_key')) return { events: [], outbox: [], duplicate: true };
      if (versionRace) {
        const actual = code === 'NFCON' ? Number(pgDetailOf(e)) : undefined;
        throw new NetfleetError('NF_STORE_CONFLICT', {
          stream: request.streamId, versions: `version ${String(request.expectedVersion)}${actual !== undefined ? ` (it is at version ${actual})` : ''}`,
          streamId: request.streamId, expectedVersion: request.expectedVersion, ...(actual !== undefined ? { actualVersion: actual } : {}),
        });
      }
      if (code === 'NFVIE') throw new NetfleetError('NF_STORE_CONTENDED', { streamId: request.streamId, attempts: MAX_ATTEMPTS });
      throw e;
    }
  }
}

type AppendRow = { out_position: number; out_stream_version: number; out_recorded_at: Date };
const APPEND_SQL = 'SELECT * FROM netfleet_append($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6)';

/** One call of netfleet_append: a named prepared statement where the pool is ours (the hot path). */
async function callAppend(db: Database, values: unknown[]): Promise<AppendRow[]> {
  const pool = poolOf(db);
  if (pool) {
    try {
      return (await pool.query<AppendRow>({ name: 'netfleet_append', text: APPEND_SQL, values })).rows;
    } catch (e) {
      throw fromPgError(e);
    }
  }
  return (await sql<AppendRow>`SELECT * FROM netfleet_append(${values[0]}, ${values[1]}, ${values[2]}::jsonb, ${values[3]}::jsonb, ${values[4]}::jsonb, ${values[5]})`.execute(db)).rows;
}

/** The documents an append folds into: from the cache where it has them, else read (one query). */
async function docsFor(db: Database, cache: AppendCache, keys: { networks: string[]; hosts: string[] }): Promise<StoredDoc[]> {
  const docs: StoredDoc[] = [];
  const missing = { networks: [] as string[], hosts: [] as string[] };
  for (const [kind, names, misses] of [['network', keys.networks, missing.networks], ['host', keys.hosts, missing.hosts]] as const) {
    for (const name of names) {
      const cached = cache.getDoc(kind, name);
      if (!cached) misses.push(name);
      else if (cached.position !== null) docs.push({ kind, name, doc: cached.doc, position: cached.position });
    }
  }
  const read = await readDocs(db, missing);
  cache.remember(read);
  for (const name of missing.networks) if (!read.some((d) => d.kind === 'network' && d.name === name)) cache.absent('network', name);
  for (const name of missing.hosts) if (!read.some((d) => d.kind === 'host' && d.name === name)) cache.absent('host', name);
  return [...docs, ...read];
}

/** The stream's current version (0: no events). */
export async function streamVersionOf(db: Database, streamId: string): Promise<number> {
  const row = await db.selectFrom('events').select(sql<number>`coalesce(max(stream_version), 0)`.as('v'))
    .where('stream_id', '=', streamId).executeTakeFirst();
  return row?.v ?? 0;
}
