import { sql, type Selectable } from 'kysely';
import type { Database, WebhooksTable } from './database';

export type WebhookStatus = 'active' | 'retrying' | 'failed';

export interface WebhookFilter { types: string[]; networks: string[]; hosts: string[] }

/** A webhook as anyone may see it: never its secret. */
export interface WebhookInfo extends WebhookFilter {
  id: string;
  url: string;
  createdBy: string;
  createdAt: Date;
  deliveredPosition: number;
  deliveredCount: number;
  status: WebhookStatus;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: Date | null;
  lastSuccessAt: Date | null;
  nextAttemptAt: Date;
}

/** What the delivering instance needs: the secret too. */
export interface ClaimedWebhook extends WebhookInfo { secret: string }

const info = (r: Selectable<WebhooksTable>): WebhookInfo => ({
  id: r.id, url: r.url, types: r.types, networks: r.networks, hosts: r.hosts, createdBy: r.created_by, createdAt: r.created_at,
  deliveredPosition: r.delivered_position, deliveredCount: r.delivered_count, status: r.status, attempts: r.attempts,
  lastError: r.last_error, lastAttemptAt: r.last_attempt_at, lastSuccessAt: r.last_success_at, nextAttemptAt: r.next_attempt_at,
});

export async function createWebhook(db: Database, webhook: WebhookFilter & { id: string; url: string; secret: string; createdBy: string; after: number }): Promise<WebhookInfo> {
  const row = await db.insertInto('webhooks').values({
    id: webhook.id, url: webhook.url, secret: webhook.secret, types: webhook.types, networks: webhook.networks, hosts: webhook.hosts,
    created_by: webhook.createdBy, delivered_position: webhook.after,
  }).returningAll().executeTakeFirstOrThrow();
  return info(row);
}

export async function listWebhooks(db: Database): Promise<WebhookInfo[]> {
  return (await db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute()).map(info);
}

export async function getWebhook(db: Database, id: string): Promise<WebhookInfo | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? info(row) : undefined;
}

/** False: no such webhook. Its delivery stops at the next cursor write (the row is gone). */
export async function removeWebhook(db: Database, id: string): Promise<boolean> {
  return ((await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst()).numDeletedRows ?? 0n) > 0n;
}

/**
 * Leases up to `limit` webhooks that are due (not failed, next attempt reached) and that no other
 * instance holds (or whose lease ran out), for `leaseMs`. SKIP LOCKED: instances claiming at the
 * same moment take different webhooks, never wait for each other.
 */
export async function claimDueWebhooks(db: Database, owner: string, leaseMs: number, limit: number): Promise<ClaimedWebhook[]> {
  const { rows } = await sql<Selectable<WebhooksTable>>`
    UPDATE webhooks SET lease_owner = ${owner}, lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000})
    WHERE id IN (
      SELECT id FROM webhooks
      WHERE status <> 'failed' AND next_attempt_at <= clock_timestamp()
        AND (lease_owner IS NULL OR lease_owner = ${owner} OR lease_until < clock_timestamp())
      ORDER BY next_attempt_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return rows.map((r) => ({ ...info(r), secret: r.secret }));
}

/** Keeps the lease while delivering; false when it was lost (taken over, or the webhook removed). */
export async function renewWebhookLease(db: Database, id: string, owner: string, leaseMs: number): Promise<boolean> {
  const result = await db.updateTable('webhooks').set({ lease_until: sql`clock_timestamp() + make_interval(secs => ${leaseMs / 1000})` })
    .where('id', '=', id).where('lease_owner', '=', owner).executeTakeFirst();
  return (result.numUpdatedRows ?? 0n) > 0n;
}

/**
 * Moves the cursor to `position` (the events up to it delivered, `delivered` of them sent, the
 * others not matching) under the lease, renewing it. False: the lease was lost; stop delivering.
 */
export async function advanceWebhook(db: Database, id: string, owner: string, position: number, delivered: number, leaseMs: number): Promise<boolean> {
  const result = await db.updateTable('webhooks').set({
    lease_until: sql`clock_timestamp() + make_interval(secs => ${leaseMs / 1000})`,
    delivered_position: position, delivered_count: sql`delivered_count + ${delivered}`, status: 'active', attempts: 0, last_error: null,
    ...(delivered > 0 ? { last_success_at: sql`clock_timestamp()`, last_attempt_at: sql`clock_timestamp()` } : {}),
  }).where('id', '=', id).where('lease_owner', '=', owner).where('delivered_position', '<=', position).executeTakeFirst();
  return (result.numUpdatedRows ?? 0n) > 0n;
}

/** A delivery failed: the error, the next attempt, and `failed` when it is given up on. */
export async function recordWebhookFailure(db: Database, id: string, owner: string, failure: { error: string; retryInMs: number; failed: boolean }): Promise<void> {
  await db.updateTable('webhooks').set({
    status: failure.failed ? 'failed' : 'retrying', attempts: sql`attempts + 1`, last_error: failure.error.slice(0, 2000),
    last_attempt_at: sql`clock_timestamp()`, next_attempt_at: sql`clock_timestamp() + make_interval(secs => ${failure.retryInMs / 1000})`,
    lease_owner: null, lease_until: null,
  }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** Lets another instance (or this one, later) claim it at once. */
export async function releaseWebhook(db: Database, id: string, owner: string): Promise<void> {
  await db.updateTable('webhooks').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** The newest position in the log (0: none): what a webhook's lag is measured against. */
export async function headPosition(db: Database): Promise<number> {
  const row = await db.selectFrom('events').select(sql<number | null>`max(position)`.as('head')).executeTakeFirst();
  return Number(row?.head ?? 0);
}
