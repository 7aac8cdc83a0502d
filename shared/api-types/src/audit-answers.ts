import type { Json } from './json-schema';
import { closedObject } from './object-schemas';

const problemSchema = closedObject(['kind', 'position', 'eventId', 'message'], {
  kind: { type: 'string', enum: ['altered', 'removed', 'inserted', 'checkpoint'] },
  position: { type: 'integer' }, eventId: { type: ['string', 'null'] }, message: { type: 'string' },
});

/** GET /v1/audit/verify: the chain recomputed from the store, and what does not hold. */
export const auditVerificationSchema = closedObject(['ok', 'from', 'head', 'checkedEvents', 'unsealedEvents', 'checkpoints', 'problems', 'truncated', 'keyId'], {
  ok: { type: 'boolean' }, from: { type: 'integer' }, head: { type: 'integer' }, checkedEvents: { type: 'integer' }, unsealedEvents: { type: 'integer' },
  checkpoints: closedObject(['checked', 'valid', 'latest'], {
    checked: { type: 'integer' }, valid: { type: 'integer' },
    latest: {
      anyOf: [{ type: 'null' }, closedObject(['position', 'signedAt', 'keyId'], { position: { type: 'integer' }, signedAt: { type: 'string' }, keyId: { type: 'string' } })],
    },
  }),
  problems: { type: 'array', items: problemSchema }, truncated: { type: 'boolean' },
  keyId: { type: 'string', description: 'the key this API checks signatures with' },
});
export type AuditVerificationAnswer = Json<typeof auditVerificationSchema>;

export const auditPublicKeySchema = closedObject(['algorithm', 'keyId', 'publicKey'], { algorithm: { type: 'string' }, keyId: { type: 'string' }, publicKey: { type: 'string', description: 'SPKI PEM' } });
export type AuditPublicKeyAnswer = Json<typeof auditPublicKeySchema>;
