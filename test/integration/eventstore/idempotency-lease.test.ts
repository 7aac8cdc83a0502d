import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { claimIdempotencyKey, releaseIdempotencyKey, renewIdempotencyKey } from '@netfleet/eventstore/idempotency-keys';
import { pgTest as test } from '../../support/pg-test';

/**
 * An Idempotency-Key claim is a lease: while its request runs the API renews it, and one left by a
 * request that died (its API killed, or PostgreSQL gone mid-request so nothing could release it)
 * is taken over by a retry once the lease ran out, not refused as "in progress" for an hour.
 */
describe('idempotency key leases', () => {
  const ref = (key: string) => ({ actor: 'alice', key, fingerprint: 'f1', staleAfterSeconds: 30 });
  const age = (db: Parameters<typeof renewIdempotencyKey>[0], key: string, seconds: number) =>
    sql`UPDATE idempotency_keys SET claimed_at = clock_timestamp() - make_interval(secs => ${seconds}) WHERE key = ${key}`.execute(db);

  test('a claim nobody renews is taken over after its lease; a renewed one is not', async ({ database }) => {
    const { db } = database;
    expect(await claimIdempotencyKey(db, ref('k-dead'))).toEqual({ kind: 'claimed' });
    expect(await claimIdempotencyKey(db, ref('k-dead'))).toEqual({ kind: 'in-progress' });
    await age(db, 'k-dead', 31);
    expect(await claimIdempotencyKey(db, ref('k-dead'))).toEqual({ kind: 'claimed' });

    expect(await claimIdempotencyKey(db, ref('k-live'))).toEqual({ kind: 'claimed' });
    await age(db, 'k-live', 31);
    expect(await renewIdempotencyKey(db, { actor: 'alice', key: 'k-live' })).toBe(true);
    expect(await claimIdempotencyKey(db, ref('k-live'))).toEqual({ kind: 'in-progress' });
  });

  test('renewing a released key says so and claims nothing', async ({ database }) => {
    const { db } = database;
    expect(await claimIdempotencyKey(db, ref('k-gone'))).toEqual({ kind: 'claimed' });
    await releaseIdempotencyKey(db, { actor: 'alice', key: 'k-gone' });
    expect(await renewIdempotencyKey(db, { actor: 'alice', key: 'k-gone' })).toBe(false);
    expect(await claimIdempotencyKey(db, ref('k-gone'))).toEqual({ kind: 'claimed' });
  });
});
