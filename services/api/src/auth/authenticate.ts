import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Database } from '@netfleet/eventstore/database';
import { findActiveApiToken } from '@netfleet/eventstore/api-tokens';

export const Role = { Viewer: 'viewer', Operator: 'operator', Admin: 'admin' } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ROLES: readonly Role[] = [Role.Viewer, Role.Operator, Role.Admin];

/**
 * Who is calling: the actor is recorded in every event the request causes. `token` names the
 * stored token it came with (absent for configured tokens, which cannot be revoked).
 */
export interface Principal { actor: string; role: Role; token?: string }

/** A token given in the configuration (the first admin's, before any is stored). */
export interface StaticToken { actor: string; role: Role; token: string }

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
export const tokenHash = (token: string): Buffer => createHash('sha256').update(token).digest();
/** Tokens are 32 random bytes: a fast hash is enough to store them (nothing to brute-force). */
export const newToken = (): string => `nf_${randomBytes(32).toString('base64url')}`;

export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

/**
 * Checks a bearer token: first the configured static tokens (constant-time compare), then the
 * stored ones by hash, refusing revoked tokens.
 */
export function createAuthenticator(db: Database, staticTokens: StaticToken[]): Authenticator {
  const known = staticTokens.map((t) => ({ ...t, digest: tokenHash(t.token) }));
  return async (authorization) => {
    if (!authorization) throw new NetfleetError('NF_AUTH_MISSING');
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() ?? '';
    const digest = tokenHash(token);
    const fixed = known.find((k) => timingSafeEqual(k.digest, digest));
    if (fixed) return { actor: fixed.actor, role: fixed.role };
    const stored = await findActiveApiToken(db, digest);
    if (!stored) throw new NetfleetError('NF_AUTH_INVALID', { reason: 'revoked or mistyped' });
    return { actor: stored.name, role: stored.role, token: stored.name };
  };
}

export function requireRole(principal: Principal, role: Role): void {
  if (RANK[principal.role] < RANK[role]) {
    throw new NetfleetError('NF_AUTH_FORBIDDEN', { actor: principal.actor, role: principal.role, needs: role });
  }
}
