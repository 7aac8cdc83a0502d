import { createHmac, randomBytes } from 'node:crypto';

/**
 * Signatures as Standard Webhooks defines them (the scheme Svix and others verify): the secret is
 * `whsec_` + base64 of 24 random bytes; each delivery carries `webhook-id` (the event id, the same
 * on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature`: `v1,` + base64 of
 * HMAC-SHA256, keyed with the secret's decoded bytes, over `<id>.<timestamp>.<body>`.
 */
const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(24).toString('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}
