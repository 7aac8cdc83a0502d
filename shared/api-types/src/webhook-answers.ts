import type { Json } from './json-schema';

const time = { type: ['string', 'null'], description: 'RFC 3339' } as const;

/** A webhook with its delivery status and lag (never its secret). */
export const webhookStatusSchema = {
  type: 'object', additionalProperties: false,
  required: ['id', 'url', 'types', 'networks', 'hosts', 'createdBy', 'createdAt', 'status', 'deliveredPosition', 'headPosition', 'lag', 'deliveredCount', 'attempts', 'lastError', 'lastAttemptAt', 'lastSuccessAt', 'nextAttemptAt'],
  properties: {
    id: { type: 'string' }, url: { type: 'string' },
    types: { type: 'array', items: { type: 'string' } }, networks: { type: 'array', items: { type: 'string' } }, hosts: { type: 'array', items: { type: 'string' } },
    createdBy: { type: 'string' }, createdAt: { type: 'string', description: 'RFC 3339' },
    status: { type: 'string', enum: ['active', 'retrying', 'failed'], description: 'active: delivering; retrying: the last attempt failed, retried with backoff; failed: further behind than the retention, given up' },
    deliveredPosition: { type: 'integer', description: 'every event up to this log position was delivered (or did not match)' },
    headPosition: { type: 'integer', description: 'the newest position in the log' },
    lag: { type: 'integer', description: 'headPosition − deliveredPosition' },
    deliveredCount: { type: 'integer' }, attempts: { type: 'integer', description: 'failed attempts at the next event' },
    lastError: { type: ['string', 'null'] }, lastAttemptAt: time, lastSuccessAt: time, nextAttemptAt: { type: 'string', description: 'RFC 3339' },
  },
} as const;
export type WebhookStatusAnswer = Json<typeof webhookStatusSchema>;

/** POST /v1/webhooks: the webhook and its signing secret, shown this once. */
export const webhookAddedSchema = {
  ...webhookStatusSchema,
  required: [...webhookStatusSchema.required, 'secret'],
  properties: { ...webhookStatusSchema.properties, secret: { type: 'string', description: 'shown once: verify webhook-signature with it' } },
} as const;
export type WebhookAddedAnswer = Json<typeof webhookAddedSchema>;

export const webhookListSchema = {
  type: 'object', additionalProperties: false, required: ['webhooks'],
  properties: { webhooks: { type: 'array', items: webhookStatusSchema } },
} as const;
export type WebhookListAnswer = Json<typeof webhookListSchema>;

export const webhookRemovedSchema = {
  type: 'object', additionalProperties: false, required: ['id', 'removed'],
  properties: { id: { type: 'string' }, removed: { type: 'boolean' } },
} as const;
export type WebhookRemovedAnswer = Json<typeof webhookRemovedSchema>;
