import type { Json } from './json-schema';
import { closedObject, listAnswer } from './object-schemas';

const role = { type: 'string', enum: ['viewer', 'operator', 'admin'] } as const;

export const whoamiSchema = closedObject(['actor', 'role'], { actor: { type: 'string' }, role });
export type WhoamiAnswer = Json<typeof whoamiSchema>;
export type RoleName = WhoamiAnswer['role'];

export const tokenListSchema = listAnswer('tokens', closedObject(['name', 'role', 'createdBy', 'createdAt', 'revokedAt'], {
  name: { type: 'string' }, role, createdBy: { type: 'string' },
  createdAt: { type: 'string' }, revokedAt: { type: ['string', 'null'] },
}));
export type TokenListAnswer = Json<typeof tokenListSchema>;

/** POST /v1/tokens: the token itself, shown this once. */
export const tokenCreatedSchema = closedObject(['name', 'role', 'token'], { name: { type: 'string' }, role, token: { type: 'string' } });
export type TokenCreatedAnswer = Json<typeof tokenCreatedSchema>;

export const tokenRevokedSchema = closedObject(['name', 'revoked'], { name: { type: 'string' }, revoked: { type: 'boolean', const: true } });
export type TokenRevokedAnswer = Json<typeof tokenRevokedSchema>;
