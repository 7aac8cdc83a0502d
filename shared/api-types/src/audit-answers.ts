import type { Json } from './json-schema';

const problemSchema = {
  type: 'object', required: ['kind', 'position', 'eventId', 'message'], additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['altered', 'removed', 'inserted', 'checkpoint'] },
    position: { type: 'integer' }, eventId: { type: ['string', 'null'] }, message: { type: 'string' },
  },
} as const;

/** GET /v1/audit/verify: the chain recomputed from the store, and what does not hold. */
export const auditVerificationSchema = {
  type: 'object', additionalProperties: false,
  required: ['ok', 'from', 'head', 'checkedEvents', 'unsealedEvents', 'checkpoints', 'problems', 'truncated', 'keyId'],
  properties: {
    ok: { type: 'boolean' }, from: { type: 'integer' }, head: { type: 'integer' }, checkedEvents: { type: 'integer' }, unsealedEvents: { type: 'integer' },
    checkpoints: {
      type: 'object', required: ['checked', 'valid', 'latest'], additionalProperties: false,
      properties: {
        checked: { type: 'integer' }, valid: { type: 'integer' },
        latest: {
          anyOf: [{ type: 'null' }, {
            type: 'object', required: ['position', 'signedAt', 'keyId'], additionalProperties: false,
            properties: { position: { type: 'integer' }, signedAt: { type: 'string' }, keyId: { type: 'string' } },
          }],
        },
      },
    },
    problems: { type: 'array', items: problemSchema }, truncated: { type: 'boolean' },
    keyId: { type: 'string', description: 'the key this API checks signatures with' },
  },
} as const;
export type AuditVerificationAnswer = Json<typeof auditVerificationSchema>;

export const auditPublicKeySchema = {
  type: 'object', required: ['algorithm', 'keyId', 'publicKey'], additionalProperties: false,
  properties: { algorithm: { type: 'string' }, keyId: { type: 'string' }, publicKey: { type: 'string', description: 'SPKI PEM' } },
} as const;
export type AuditPublicKeyAnswer = Json<typeof auditPublicKeySchema>;
