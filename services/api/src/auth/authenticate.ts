import { timingSafeEqual, createHash } from 'node:crypto';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

export const Role = { Viewer: 'viewer', Operator: 'operator', Admin: 'admin' } as const;
export type Role = (typeof Role)[keyof typeof Role];

export interface Principal { actor: string; role: Role }

export interface StaticToken { actor: string; role: Role; token: string }

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Checks a bearer token against the configured tokens (compared as digests, in constant time). */
export function createAuthenticator(tokens: StaticToken[]) {
  const known = tokens.map((t) => ({ ...t, digest: digest(t.token) }));
  return (authorization: string | undefined): Principal => {
    if (!authorization) throw new NetfleetError('NF_AUTH_MISSING', 'no API token: pass --token or set NETFLEET_TOKEN (Authorization: Bearer <token>)');
    const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim() ?? '';
    const d = digest(token);
    const match = known.find((k) => timingSafeEqual(k.digest, d));
    if (!match) throw new NetfleetError('NF_AUTH_INVALID', 'the API token is not valid (revoked or mistyped); ask an admin for a token');
    return { actor: match.actor, role: match.role };
  };
}

export function requireRole(principal: Principal, role: Role): void {
  if (RANK[principal.role] < RANK[role]) {
    throw new NetfleetError('NF_AUTH_FORBIDDEN', `${principal.actor} has role ${principal.role}; this needs ${role}`, { actor: principal.actor, role: principal.role, needs: role });
  }
}
