import { expect } from 'vitest';
import { advanceWebhook, claimDueWebhooks, createWebhook, getWebhook, recordWebhookFailure, releaseWebhook, removeWebhook } from '@netfleet/eventstore/webhooks';
import { pgTest as test } from '../../support/pg-test';

const LEASE_MS = 60_000;
const add = (db: Parameters<typeof createWebhook>[0], id: string) =>
  createWebhook(db, { id, url: 'http://127.0.0.1:9/', secret: 'whsec_x', types: [], networks: [], hosts: [], createdBy: 'test', after: 0 });

/** The webhook store's lease: one instance delivers a webhook at a time, and only it moves the cursor. */
test('instances claiming at once get different webhooks, and only the holder moves the cursor', async ({ database, otherDb }) => {
  for (let i = 0; i < 6; i++) await add(database.db, `wh_lease${i}`);
  const [a, b] = await Promise.all([claimDueWebhooks(database.db, 'api-a', LEASE_MS, 6), claimDueWebhooks(otherDb, 'api-b', LEASE_MS, 6)]);
  const ids = [...a, ...b].map((w) => w.id).filter((id) => id.startsWith('wh_lease'));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBe(6);
  expect(await claimDueWebhooks(otherDb, 'api-c', LEASE_MS, 6)).toEqual([]);

  const held = a[0] ?? b[0]!;
  const holder = a.includes(held) ? 'api-a' : 'api-b';
  const other = holder === 'api-a' ? 'api-b' : 'api-a';
  expect(await advanceWebhook(database.db, held.id, other, 5, 1, LEASE_MS)).toBe(false);
  expect(await advanceWebhook(database.db, held.id, holder, 5, 1, LEASE_MS)).toBe(true);
  expect(await getWebhook(database.db, held.id)).toMatchObject({ deliveredPosition: 5, deliveredCount: 1, status: 'active' });
  // The cursor never moves back.
  expect(await advanceWebhook(database.db, held.id, holder, 3, 0, LEASE_MS)).toBe(false);

  // A failure releases it with a retry time; once released it can be claimed again.
  await recordWebhookFailure(database.db, held.id, holder, { error: 'refused', retryInMs: 0, failed: false });
  expect(await getWebhook(database.db, held.id)).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'refused', deliveredPosition: 5 });
  expect((await claimDueWebhooks(otherDb, 'api-c', LEASE_MS, 6)).map((w) => w.id)).toEqual([held.id]);
  await releaseWebhook(otherDb, held.id, 'api-c');

  // Failed webhooks are never claimed; removed ones stop the holder's writes.
  await claimDueWebhooks(database.db, 'api-a', LEASE_MS, 6);
  await recordWebhookFailure(database.db, held.id, 'api-a', { error: 'too far behind', retryInMs: 0, failed: true });
  expect((await claimDueWebhooks(database.db, 'api-a', LEASE_MS, 6)).map((w) => w.id)).not.toContain(held.id);
  expect(await removeWebhook(database.db, 'wh_lease5')).toBe(true);
  expect(await advanceWebhook(database.db, 'wh_lease5', 'api-a', 9, 1, LEASE_MS)).toBe(false);
  expect(await removeWebhook(database.db, 'wh_lease5')).toBe(false);
});
