import { sql } from 'kysely';
import type { Database } from './database';

/** Whether the host was ever issued NATS credentials. */
export async function hasHostCredentials(db: Database, host: string): Promise<boolean> {
  return (await db.selectFrom('host_credentials').select('host').where('host', '=', host).executeTakeFirst()) !== undefined;
}

/** Records (or replaces, on rotation) a host's NATS user and bcrypt hash. */
export async function saveHostCredentials(db: Database, credentials: { host: string; natsUser: string; passwordHash: string }): Promise<void> {
  await db.insertInto('host_credentials')
    .values({ host: credentials.host, nats_user: credentials.natsUser, password_hash: credentials.passwordHash })
    .onConflict((oc) => oc.column('host').doUpdateSet({ nats_user: credentials.natsUser, password_hash: credentials.passwordHash, issued_at: sql`clock_timestamp()` as never }))
    .execute();
}

/** Every host's NATS user and bcrypt hash, by host name (for nats-server's auth include). */
export async function listHostCredentials(db: Database): Promise<{ natsUser: string; passwordHash: string }[]> {
  const rows = await db.selectFrom('host_credentials').select(['nats_user', 'password_hash']).orderBy('host').execute();
  return rows.map((r) => ({ natsUser: r.nats_user, passwordHash: r.password_hash }));
}

/** The host's stored NATS user and hash, or undefined when it was never issued any. */
export async function getHostCredentials(db: Database, host: string): Promise<{ natsUser: string; passwordHash: string } | undefined> {
  const row = await db.selectFrom('host_credentials').select(['nats_user', 'password_hash']).where('host', '=', host).executeTakeFirst();
  return row ? { natsUser: row.nats_user, passwordHash: row.password_hash } : undefined;
}

/** Forgets a host's credentials (undoing a host-add that failed after storing them). */
export async function deleteHostCredentials(db: Database, host: string): Promise<void> {
  await db.deleteFrom('host_credentials').where('host', '=', host).execute();
}
