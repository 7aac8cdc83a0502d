import { sql } from 'kysely';
import type { Database } from './database';

/** What a request carrying an idempotency key finds. */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }
  | { kind: 'answered'; status: number; response: unknown };

export interface IdempotencyKeyRef { actor: string; key: string }

/**
 * Claims `(actor, key)` for the request with this fingerprint, or finds what it already holds: the
 * first request's answer (a retry), another request's fingerprint (a reused key), or a claim still
 * open. A claim is a lease its API renews while the request runs (renewIdempotencyKey); one not
 * renewed for `staleAfterSeconds` (its API died, or lost PostgreSQL, mid-request) is taken over:
 * the command's event ids are derived from the key, so doing it again records nothing twice.
 */
export async function claimIdempotencyKey(db: Database, ref: IdempotencyKeyRef & { fingerprint: string; staleAfterSeconds: number }): Promise<IdempotencyClaim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db.insertInto('idempotency_keys')
      .values({ actor: ref.actor, key: ref.key, fingerprint: ref.fingerprint, status: null, response: null })
      .onConflict((oc) => oc.columns(['actor', 'key']).doNothing())
      .returning('actor').executeTakeFirst();
    if (inserted) return { kind: 'claimed' };
    const row = await db.selectFrom('idempotency_keys').select(['fingerprint', 'status', 'response'])
      .where('actor', '=', ref.actor).where('key', '=', ref.key).executeTakeFirst();
    if (!row) continue; // released between the two statements: claim again
    if (row.fingerprint !== ref.fingerprint) return { kind: 'mismatch' };
    if (row.status !== null) return { kind: 'answered', status: row.status, response: row.response };
    const taken = await db.updateTable('idempotency_keys').set({ claimed_at: sql<Date>`clock_timestamp()` })
      .where('actor', '=', ref.actor).where('key', '=', ref.key).where('status', 'is', null)
      .where('claimed_at', '<', sql<Date>`clock_timestamp() - make_interval(secs => ${ref.staleAfterSeconds})`)
      .returning('actor').executeTakeFirst();
    return taken ? { kind: 'claimed' } : { kind: 'in-progress' };
  }
  return { kind: 'in-progress' };
}

/** Renews a claim's lease while its request runs (false: it was answered, released or taken over). */
export async function renewIdempotencyKey(db: Database, ref: IdempotencyKeyRef): Promise<boolean> {
  const renewed = await db.updateTable('idempotency_keys').set({ claimed_at: sql<Date>`clock_timestamp()` })
    .where('actor', '=', ref.actor).where('key', '=', ref.key).where('status', 'is', null)
    .returning('actor').executeTakeFirst();
  return renewed !== undefined;
}

/** Keeps the answer a retry of the claimed request gets. */
export async function answerIdempotencyKey(db: Database, ref: IdempotencyKeyRef, status: number, response: unknown): Promise<void> {
  await db.updateTable('idempotency_keys').set({ status, response: JSON.stringify(response) })
    .where('actor', '=', ref.actor).where('key', '=', ref.key).execute();
}

/** Gives the key back after a refusal (nothing was done): a retry is decided again. */
export async function releaseIdempotencyKey(db: Database, ref: IdempotencyKeyRef): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('actor', '=', ref.actor).where('key', '=', ref.key).where('status', 'is', null).execute();
}
