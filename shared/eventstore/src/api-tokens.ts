import { sql } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Database } from './database';
import { isUniqueViolation } from './pg-error';

/** NOTIFY channel a revocation is announced on (payload: the token's name), at commit. */
export const TOKEN_REVOKED_CHANNEL = 'netfleet_token_revoked';

export type TokenRole = 'viewer' | 'operator' | 'admin';

export interface ApiTokenInfo { name: string; role: TokenRole; createdBy: string; createdAt: Date; revokedAt: Date | null }

export async function listApiTokens(db: Database): Promise<ApiTokenInfo[]> {
  const rows = await db.selectFrom('api_tokens').select(['name', 'role', 'created_by', 'created_at', 'revoked_at']).orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, role: r.role, createdBy: r.created_by, createdAt: r.created_at, revokedAt: r.revoked_at }));
}

/** Stores a new token's hash; NF_TOKEN_EXISTS when the name was ever used (revoked ones too). */
export async function createApiToken(db: Database, token: { name: string; role: TokenRole; hash: Buffer; createdBy: string }): Promise<void> {
  try {
    await db.insertInto('api_tokens').values({ name: token.name, role: token.role, token_hash: token.hash, created_by: token.createdBy }).execute();
  } catch (e) {
    if (isUniqueViolation(e, 'api_tokens_pkey')) throw new NetfleetError('NF_TOKEN_EXISTS', { name: token.name });
    throw e;
  }
}

/**
 * Revokes an active token and announces it (TOKEN_REVOKED_CHANNEL, delivered at commit, to every
 * API instance): their open streams and waits under that token close. False: no active token.
 */
export async function revokeApiToken(db: Database, name: string, at: Date): Promise<boolean> {
  const { rows } = await sql<{ name: string }>`
    WITH revoked AS (UPDATE api_tokens SET revoked_at = ${at} WHERE name = ${name} AND revoked_at IS NULL RETURNING name)
    SELECT name, pg_notify(${TOKEN_REVOKED_CHANNEL}, name) FROM revoked`.execute(db);
  return rows.length > 0;
}

/** The active (unrevoked) token with this hash. */
export async function findActiveApiToken(db: Database, hash: Buffer): Promise<{ name: string; role: TokenRole } | undefined> {
  return db.selectFrom('api_tokens').select(['name', 'role']).where('token_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst();
}

/** Which of these token names are revoked (or gone). */
export async function findRevokedApiTokens(db: Database, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const active = await db.selectFrom('api_tokens').select('name').where('name', 'in', [...names]).where('revoked_at', 'is', null).execute();
  const live = new Set(active.map((r) => r.name));
  return names.filter((n) => !live.has(n));
}
