import type { Json } from './json-schema';

const role = { type: 'string', enum: ['viewer', 'operator', 'admin'] } as const;

export const whoamiSchema = {
  type: 'object', required: ['actor', 'role'], additionalProperties: false,
  properties: { actor: { type: 'string' }, role },
} as const;
export type WhoamiAnswer = Json<typeof whoamiSchema>;
export type RoleName = WhoamiAnswer['role'];

export const tokenListSchema = {
  type: 'object', required: ['tokens'], additionalProperties: false,
  properties: {
    tokens: {
      type: 'array',
      items: {
        type: 'object', required: ['name', 'role', 'createdBy', 'createdAt', 'revokedAt'], additionalProperties: false,
        properties: {
          name: { type: 'string' }, role, createdBy: { type: 'string' },
          createdAt: { type: 'string' }, revokedAt: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;
export type TokenListAnswer = Json<typeof tokenListSchema>;

/** POST /v1/tokens: the token itself, shown this once. */
export const tokenCreatedSchema = {
  type: 'object', required: ['name', 'role', 'token'], additionalProperties: false,
  properties: { name: { type: 'string' }, role, token: { type: 'string' } },
} as const;
export type TokenCreatedAnswer = Json<typeof tokenCreatedSchema>;

export const tokenRevokedSchema = {
  type: 'object', required: ['name', 'revoked'], additionalProperties: false,
  properties: { name: { type: 'string' }, revoked: { type: 'boolean', const: true } },
} as const;
export type TokenRevokedAnswer = Json<typeof tokenRevokedSchema>;
