import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Tables } from './database';

/**
 * An event as the audit chain sees it: its digest, SHA-256 of its canonical bytes, computed by
 * PostgreSQL for the sealer and the verifier alike (EVENT_DIGEST): the jsonb text form of
 * `[position, event id, stream, stream version, type, payload version, data, metadata,
 * recorded_at in UTC with microseconds]`, which normalises key order and spacing, so both hash
 * the same bytes whatever Node would print, and only 32 bytes an event cross the wire.
 */
export interface ChainedEvent { position: number; eventId: string; streamId: string; type: string; digest: Buffer }

const EVENT_DIGEST = sql`sha256(convert_to(jsonb_build_array(position, event_id, stream_id, stream_version, type, schema_version, data, metadata,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text, 'UTF8'))`;

/** The first event's predecessor. */
export const GENESIS_HASH = Buffer.alloc(32);

/** SHA-256(previous hash ‖ the event's digest). Pure. */
export function chainHash(prev: Buffer, e: Pick<ChainedEvent, 'digest'>): Buffer {
  return createHash('sha256').update(prev).update(e.digest).digest();
}

interface DigestRow { position: number; event_id: string; stream_id: string; type: string; digest: Buffer; settled: boolean }

/** Events after `after` with their digests; `settled`: no transaction below it is in flight. */
async function digestPage(db: Kysely<Tables>, after: number, limit: number, upTo?: number): Promise<(ChainedEvent & { settled: boolean })[]> {
  const { rows } = await sql<DigestRow>`
    SELECT position, event_id::text AS event_id, stream_id, type, ${EVENT_DIGEST} AS digest,
           transaction_id < pg_snapshot_xmin(pg_current_snapshot()) AS settled
    FROM events WHERE position > ${after} ${upTo !== undefined ? sql`AND position <= ${upTo}` : sql``}
    ORDER BY position LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ position: r.position, eventId: r.event_id, streamId: r.stream_id, type: r.type, digest: r.digest, settled: r.settled }));
}

/** The last sealed event (null: nothing sealed yet). */
export async function chainHead(db: Kysely<Tables>): Promise<{ position: number; hash: Buffer } | null> {
  const row = await db.selectFrom('audit_chain').select(['position', 'hash']).orderBy('position', 'desc').limit(1).executeTakeFirst();
  return row ?? null;
}

// Only one sealer at a time in the cluster (several API instances each run one).
const SEALER_LOCK = 7234005;

/**
 * Chains the committed events after the head, in position order, a page per transaction, and
 * returns how many it sealed and the head. Never passes a position that may still appear: a run
 * without gaps is complete, and past a gap only events older than every transaction in flight are
 * taken (positions and transaction ids are handed out in the same order, see netfleet_append).
 * Returns at once (sealed 0) when another instance is sealing.
 */
export async function sealAuditChain(db: Database, options: { pageSize?: number; maxEvents?: number } = {}): Promise<{ sealed: number; head: { position: number; hash: Buffer } | null }> {
  const pageSize = options.pageSize ?? 5000;
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  let sealed = 0;
  let head: { position: number; hash: Buffer } | null = null;
  for (;;) {
    const page = await db.transaction().execute(async (tx) => {
      const { rows: [lock] } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`.execute(tx);
      if (!lock?.locked) return { count: 0, head: await chainHead(tx), done: true };
      const from = await chainHead(tx);
      const rows = await digestPage(tx, from?.position ?? 0, Math.min(pageSize, maxEvents - sealed));
      let prevPosition = from?.position ?? 0;
      let prevHash = from?.hash ?? GENESIS_HASH;
      const links: { position: number; event_id: string; prev_position: number; hash: Buffer }[] = [];
      for (const row of rows) {
        if (row.position !== prevPosition + 1 && !row.settled) break;
        const hash = chainHash(prevHash, row);
        links.push({ position: row.position, event_id: row.eventId, prev_position: prevPosition, hash });
        prevPosition = row.position;
        prevHash = hash;
      }
      // Four arrays, not four parameters a row: a page is one short statement to parse.
      if (links.length > 0) {
        await sql`INSERT INTO audit_chain (position, event_id, prev_position, hash)
                  SELECT * FROM unnest(${links.map((l) => l.position)}::bigint[], ${links.map((l) => l.event_id)}::uuid[],
                                       ${links.map((l) => l.prev_position)}::bigint[], ${links.map((l) => l.hash)}::bytea[])`.execute(tx);
      }
      return { count: links.length, head: links.length > 0 ? { position: prevPosition, hash: prevHash } : from, done: links.length < rows.length || rows.length < pageSize };
    });
    sealed += page.count;
    head = page.head;
    if (page.done || sealed >= maxEvents) return { sealed, head };
  }
}

/** A signed head of the chain. */
export interface AuditCheckpoint { position: number; hash: Buffer; signedAt: Date; keyId: string; signature: Buffer }

export async function writeAuditCheckpoint(db: Database, c: AuditCheckpoint): Promise<void> {
  await db.insertInto('audit_checkpoints').values({ position: c.position, hash: c.hash, signed_at: c.signedAt, key_id: c.keyId, signature: c.signature })
    .onConflict((oc) => oc.column('position').doNothing()).execute();
}

const toCheckpoint = (r: { position: number; hash: Buffer; signed_at: Date; key_id: string; signature: Buffer }): AuditCheckpoint =>
  ({ position: r.position, hash: r.hash, signedAt: r.signed_at, keyId: r.key_id, signature: r.signature });

export async function latestAuditCheckpoint(db: Database, options: { before?: number } = {}): Promise<AuditCheckpoint | null> {
  let query = db.selectFrom('audit_checkpoints').selectAll().orderBy('position', 'desc').limit(1);
  if (options.before !== undefined) query = query.where('position', '<', options.before);
  const row = await query.executeTakeFirst();
  return row ? toCheckpoint(row) : null;
}

/** Checkpoints after `after` up to `upTo`, oldest first, in pages. */
export async function* auditCheckpointsAfter(db: Database, after: number, upTo: number, pageSize = 1000): AsyncGenerator<AuditCheckpoint> {
  for (let from = after; ;) {
    const rows = await db.selectFrom('audit_checkpoints').selectAll().where('position', '>', from).where('position', '<=', upTo).orderBy('position').limit(pageSize).execute();
    for (const r of rows) yield toCheckpoint(r);
    if (rows.length < pageSize) return;
    from = rows.at(-1)!.position;
  }
}

/** Sealed links after `after` (up to `upTo`), in position order, in pages. */
export async function* chainLinksAfter(db: Database, after: number, upTo: number, pageSize = 5000): AsyncGenerator<{ position: number; eventId: string; prevPosition: number; hash: Buffer }> {
  for (let from = after; ;) {
    const rows = await db.selectFrom('audit_chain').selectAll().where('position', '>', from).where('position', '<=', upTo).orderBy('position').limit(pageSize).execute();
    for (const r of rows) yield { position: r.position, eventId: r.event_id, prevPosition: r.prev_position, hash: r.hash };
    if (rows.length < pageSize) return;
    from = rows.at(-1)!.position;
  }
}

/** Events after `after` (up to `upTo`) with their digests, in position order, in pages. */
export async function* eventDigestsAfter(db: Database, after: number, upTo: number, pageSize = 5000): AsyncGenerator<ChainedEvent> {
  for (let from = after; ;) {
    const rows = await digestPage(db, from, pageSize, upTo);
    yield* rows;
    if (rows.length < pageSize) return;
    from = rows.at(-1)!.position;
  }
}

/** How many events lie after `position` (not sealed yet, when it is the head). */
export async function eventsAfter(db: Database, position: number): Promise<number> {
  const row = await db.selectFrom('events').select(sql<number>`count(*)::int`.as('n')).where('position', '>', position).executeTakeFirst();
  return row?.n ?? 0;
}

/** The first position recorded at or after `time` (null: none). */
export async function firstPositionSince(db: Database, time: Date): Promise<number | null> {
  const row = await db.selectFrom('events').select('position').where('recorded_at', '>=', time as never).orderBy('recorded_at').orderBy('position').limit(1).executeTakeFirst();
  return row?.position ?? null;
}
