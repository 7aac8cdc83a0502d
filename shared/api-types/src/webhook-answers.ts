import type { Json } from './json-schema';
import { closedObject, listAnswer } from './object-schemas';

const time = { type: ['string', 'null'], description: 'RFC 3339' } as const;

/** A webhook with its delivery status and lag (never its secret). */
export const webhookStatusSchema = closedObject(['id', 'url', 'types', 'networks', 'hosts', 'createdBy', 'createdAt', 'status', 'deliveredPosition', 'headPosition', 'lag', 'deliveredCount', 'attempts', 'lastError', 'lastAttemptAt', 'lastSuccessAt', 'nextAttemptAt'], {
  id: { type: 'string' }, url: { type: 'string' },
  types: { type: 'array', items: { type: 'string' } }, networks: { type: 'array', items: { type: 'string' } }, hosts: { type: 'array', items: { type: 'string' } },
  createdBy: { type: 'string' }, createdAt: { type: 'string', description: 'RFC 3339' },
  status: { type: 'string', enum: ['active', 'retrying', 'failed'], description: 'active: delivering; retrying: the last attempt failed, retried with backoff; failed: further behind than the retention, given up' },
  deliveredPosition: { type: 'integer', description: 'every event up to this log position was delivered (or did not match)' },
  headPosition: { type: 'integer', description: 'the newest position in the log' },
  lag: { type: 'integer', description: 'headPosition − deliveredPosition' },
  deliveredCount: { type: 'integer' }, attempts: { type: 'integer', description: 'failed attempts at the next event' },
  lastError: { type: ['string', 'null'] }, lastAttemptAt: time, lastSuccessAt: time, nextAttemptAt: { type: 'string', description: 'RFC 3339' },
});
export type WebhookStatusAnswer = Json<typeof webhookStatusSchema>;

/** POST /v1/webhooks: the webhook and its signing secret, shown this once. */
export const webhookAddedSchema = closedObject([...webhookStatusSchema.required, 'secret'], {
  ...webhookStatusSchema.properties, secret: { type: 'string', description: 'shown once: verify webhook-signature with it' },
});
export type WebhookAddedAnswer = Json<typeof webhookAddedSchema>;

export const webhookListSchema = listAnswer('webhooks', webhookStatusSchema);
export type WebhookListAnswer = Json<typeof webhookListSchema>;

export const webhookRemovedSchema = closedObject(['id', 'removed'], { id: { type: 'string' }, removed: { type: 'boolean' } });
export type WebhookRemovedAnswer = Json<typeof webhookRemovedSchema>;
