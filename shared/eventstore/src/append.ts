import { sql, type Kysely } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { NewEvent, RecordedEvent } from '@netfleet/events/event-envelope';
import { poolOf, type Database, type Tables } from './database';
import { fromPgError, isUniqueViolation, pgCodeOf, pgDetailOf } from './pg-error';
import { appendCacheOf, type AppendCache } from './append-cache';
import { assertNoNul } from './reject-nul';
import { docKey, foldIntoDocs, lockDocs, readDocs, viewKeysOf, widenedFor, type StoredDoc, type ViewKeys, type ViewKind } from './views';

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
 * Appends events to one stream, folds them into the inline projections and writes the outbox, all
 * in one transaction, then wakes listeners (NOTIFY is delivered at commit); the views' checkpoint
 * is the head of the log each snapshot sees (migrations/0007). Refuses with NF_STORE_CONFLICT
 * when the stream moved past `expectedVersion`.
 *
 * One round trip when this process knows the view rows (it wrote or read them last), two
 * otherwise: the rows are read without locks and folded here, then one call of netfleet_append
 * (append-function.ts) writes everything, guarded by the stream version and by the positions the
 * rows were read at. A host's report folds into its own placement row of the network and only
 * checks the network's own row, so hosts' reports do not race each other. An append that loses
 * a race anyway goes again reading the rows under row locks, which cannot lose (see lockDocs).
 */
export async function appendToStream(db: Database, request: AppendRequest): Promise<AppendResult> {
  if (request.events.length === 0) return { events: [], outbox: [], duplicate: false };
  // netfleet_append takes them as jsonb, which refuses \u0000: say so before SQL does (the walk
  // only when the text has the escape at all, so the hot path pays one scan).
  const eventsJson = JSON.stringify(request.events);
  if (eventsJson.includes('\\u0000')) assertNoNul(request.events, 'the events');
  const asked = viewKeysOf(request.events);
  const cache = appendCacheOf(db);
  const outbox = request.outbox ?? [];
  let keys = asked;
  let lost = false;
  for (let attempt = 1; ; attempt++) {
    try {
      // After losing a race on a view row, read and lock the rows instead: the next try cannot
      // lose again (commands wait for the reports in flight, reports never wait for each other).
      const attemptOnce = async (conn: Kysely<Tables>, locked: boolean) => {
        const [read, current] = await Promise.all([
          locked ? lockedDocs(conn, keys) : docsFor(conn, cache, asked),
          request.expectedVersion !== 'any' ? request.expectedVersion : (!locked && cache.getVersion(request.streamId)) || streamVersionOf(conn, request.streamId),
        ]);
        // Reports that may remove their network each fold every host's row: concurrent ones would
        // only refuse each other (or deadlock), so they take turns under the network's row lock.
        if (!locked && read.keys !== asked) throw Object.assign(new Error('the network may be removed by this report'), { code: 'NFVIE', widened: read.keys });
        keys = read.keys;
        const versioned = request.events.map((e, i) => ({ ...e, streamVersion: current + i + 1 }));
        const writes = foldIntoDocs(versioned, read.stored, keys);
        const values = [request.streamId, current, eventsJson, JSON.stringify(writes.map((w) => ({ ...w, doc: w.doc ?? null }))), JSON.stringify(outbox), NOTIFY_CHANNEL];
        const rows = await callAppend(locked ? conn : db, values, !locked);
        return { rows, versioned, writes };
      };
      const { rows, versioned, writes } = lost
        ? await db.transaction().execute((trx) => attemptOnce(trx, true))
        : await attemptOnce(db, false);
      if (rows.length === 0) return { events: [], outbox: [], duplicate: true };
      cache.written(request.streamId, rows.at(-1)!.out_stream_version, writes, rows.at(-1)!.out_position, keys);
      const events = versioned.map((e, i): RecordedEvent => ({
        eventId: e.eventId, type: e.type, v: e.v, data: e.data, metadata: e.metadata, streamId: request.streamId,
        streamVersion: rows[i]!.out_stream_version, position: rows[i]!.out_position, recordedAt: rows[i]!.out_recorded_at.toISOString(),
      }));
      return { events, outbox: [...outbox], duplicate: false };
    } catch (e) {
      const widened = (e as { widened?: ViewKeys }).widened;
      if (widened) keys = widened;
      cache.forget(request.streamId, keys);
      const code = pgCodeOf(e);
      const versionRace = code === 'NFCON' || isUniqueViolation(e, 'events_stream_id_stream_version_key');
      // A view row moved (NFVIE), a checked row is being written (55P03), or a deadlock between
      // appends writing overlapping rows in different orders (one was rolled back whole): go
      // again, locked. 'any' appends race only with each other for the next version number.
      const viewRace = code === 'NFVIE' || code === '55P03' || code === '40P01';
      if (viewRace) lost = true;
      if (attempt < MAX_ATTEMPTS && (viewRace || (versionRace && request.expectedVersion === 'any'))) continue;
      if (isUniqueViolation(e, 'events_event_id_key')) return { events: [], outbox: [], duplicate: true };
      if (versionRace) {
        const actual = code === 'NFCON' ? Number(pgDetailOf(e)) : undefined;
        throw new NetfleetError('NF_STORE_CONFLICT', {
          stream: request.streamId, versions: `version ${String(request.expectedVersion)}${actual !== undefined ? ` (it is at version ${actual})` : ''}`,
          streamId: request.streamId, expectedVersion: request.expectedVersion, ...(actual !== undefined ? { actualVersion: actual } : {}),
        });
      }
      if (viewRace) throw new NetfleetError('NF_STORE_CONTENDED', { streamId: request.streamId, attempts: MAX_ATTEMPTS });
      throw e;
    }
  }
}

type AppendRow = { out_position: number; out_stream_version: number; out_recorded_at: Date };
const APPEND_SQL = 'SELECT * FROM netfleet_append($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6)';

/**
 * One call of netfleet_append: a named prepared statement where the pool is ours and the call is
 * a statement of its own (the hot path); through kysely inside a locked attempt's transaction.
 */
async function callAppend(db: Kysely<Tables>, values: unknown[], alone: boolean): Promise<AppendRow[]> {
  const pool = alone ? poolOf(db as Database) : undefined;
  try {
    if (pool) return (await pool.query<AppendRow>({ name: 'netfleet_append', text: APPEND_SQL, values })).rows;
    return (await sql<AppendRow>`SELECT * FROM netfleet_append(${values[0]}, ${values[1]}, ${values[2]}::jsonb, ${values[3]}::jsonb, ${values[4]}::jsonb, ${values[5]})`.execute(db)).rows;
  } catch (e) {
    throw fromPgError(e);
  }
}

/**
 * The rows an append folds into: from the cache where it has them, else read (one query; a
 * second when a report turns out to be about a transient network it may remove).
 */
async function docsFor(db: Kysely<Tables>, cache: AppendCache, asked: ViewKeys): Promise<{ stored: StoredDoc[]; keys: ViewKeys }> {
  const docs: StoredDoc[] = [];
  const missing: ViewKeys = { networks: [], everyPlacement: [], placements: [], hosts: [] };
  const take = (kind: ViewKind, name: string, host?: string): boolean => {
    const cached = cache.getDoc(kind, name, host);
    if (!cached) return false;
    if (cached.position !== null) docs.push({ kind, name, ...(host !== undefined ? { host } : {}), doc: cached.doc, position: cached.position });
    return true;
  };
  for (const n of asked.networks) if (!take('network', n)) missing.networks.push(n);
  for (const n of asked.everyPlacement) {
    const set = cache.getPlacementSet(n);
    const found: StoredDoc[] = [];
    for (const h of set ?? []) {
      const cached = cache.getDoc('placement', n, h);
      if (!cached || cached.position === null) break;
      found.push({ kind: 'placement', name: n, host: h, doc: cached.doc, position: cached.position });
    }
    if (set && found.length === set.length) docs.push(...found);
    else missing.everyPlacement.push(n);
  }
  for (const [n, h] of asked.placements) if (!take('placement', n, h)) missing.placements.push([n, h]);
  for (const h of asked.hosts) if (!take('host', h)) missing.hosts.push(h);
  const read = await readMissing(db, cache, missing);
  let stored = [...docs, ...read];
  const keys = widenedFor(asked, stored);
  const widened = keys.everyPlacement.filter((n) => !asked.everyPlacement.includes(n));
  if (widened.length > 0) {
    const every = await readMissing(db, cache, { networks: [], everyPlacement: widened, placements: [], hosts: [] });
    stored = [...stored.filter((d) => !(d.kind === 'placement' && widened.includes(d.name))), ...every];
  }
  return { stored, keys };
}

/** Reads rows the cache did not have, and remembers them (and which were absent). */
async function readMissing(db: Kysely<Tables>, cache: AppendCache, missing: ViewKeys): Promise<StoredDoc[]> {
  const read = await readDocs(db, missing);
  cache.remember(read);
  const has = new Set(read.map((d) => docKey(d.kind, d.name, d.host)));
  for (const n of missing.networks) if (!has.has(docKey('network', n))) cache.absent('network', n);
  for (const [n, h] of missing.placements) if (!has.has(docKey('placement', n, h))) cache.absent('placement', n, h);
  for (const h of missing.hosts) if (!has.has(docKey('host', h))) cache.absent('host', h);
  for (const n of missing.everyPlacement) cache.rememberPlacementSet(n, read.filter((d) => d.kind === 'placement' && d.name === n).map((d) => d.host!));
  return read;
}

/** The rows read and locked in a locked attempt's transaction (see lockDocs), widened alike. */
async function lockedDocs(trx: Kysely<Tables>, asked: ViewKeys): Promise<{ stored: StoredDoc[]; keys: ViewKeys }> {
  const stored = await lockDocs(trx, asked);
  const keys = widenedFor(asked, stored);
  // A report found to be about a network it may remove held that network's row FOR SHARE only:
  // refuse this try (it is rolled back) and go again with the wider keys, locked FOR UPDATE.
  if (keys !== asked) throw Object.assign(new Error('the network may be removed by this report'), { code: 'NFVIE', widened: keys });
  return { stored, keys };
}

/** The stream's current version (0: no events). */
export async function streamVersionOf(db: Kysely<Tables>, streamId: string): Promise<number> {
  const row = await db.selectFrom('events').select(sql<number>`coalesce(max(stream_version), 0)`.as('v'))
    .where('stream_id', '=', streamId).executeTakeFirst();
  return row?.v ?? 0;
}
