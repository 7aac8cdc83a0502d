import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { webhookAddedSchema, webhookListSchema, webhookRemovedSchema, webhookStatusSchema } from '@netfleet/api-types/webhook-answers';
import { EVENT_DATA_SCHEMAS, isEventType } from '@netfleet/events/event-schemas';
import { cloudEventTypeOf } from '@netfleet/events/cloud-event';
import { isNetworkEventType } from '@netfleet/events/network-events';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { settledPosition } from '@netfleet/eventstore/read';
import { createWebhook, getWebhook, headPosition, listWebhooks, removeWebhook, type WebhookInfo } from '@netfleet/eventstore/webhooks';
import type { ApiContext } from '../api-context';
import { requireRole, Role } from '../auth/authenticate';
import { hostName, networkName, NO_NUL, position } from '../http/schema-bounds';
import { checkWebhookUrl } from './webhook-url';
import { newWebhookSecret } from './webhook-signature';
import { errorResponses, typed } from '../http/typed-routes';

const list = <Items extends object>(items: Items) => ({ type: 'array', maxItems: 100, items }) as const;
const eventTypeName = { type: 'string', minLength: 1, maxLength: 128, pattern: NO_NUL } as const;
const webhookId = { type: 'string', pattern: '^wh_[a-f0-9]{16}$' } as const;


const CLOUD_EVENT_TYPES = new Set(Object.keys(EVENT_DATA_SCHEMAS).map((t) => cloudEventTypeOf(t, isNetworkEventType(t) ? 'network:' : 'host:')));

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const withLag = (w: WebhookInfo, head: number) => ({
  ...w, createdAt: w.createdAt.toISOString(), lastAttemptAt: iso(w.lastAttemptAt), lastSuccessAt: iso(w.lastSuccessAt), nextAttemptAt: w.nextAttemptAt.toISOString(),
  headPosition: head, lag: Math.max(0, head - w.deliveredPosition),
});

/**
 * Webhooks: add (the signing secret is in this answer only), list, status, remove. Adding and
 * removing take an operator; reading any role. See docs/webhooks.md.
 */
export async function webhookRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { db } = opts.ctx;
  const params = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: webhookId } } as const;
  const notFound = (id: string) => new NetfleetError('NF_WEBHOOK_NOT_FOUND', { id });
  const routes = typed(app);

  routes.post('/v1/webhooks', {
    schema: {
      description: 'Adds a webhook: every matching event from now on (or after `after`) is POSTed to `url` as a signed CloudEvent. The secret is returned only here.',
      body: {
        type: 'object', additionalProperties: false, required: ['url'],
        properties: {
          url: { type: 'string', minLength: 1, maxLength: 2000, pattern: NO_NUL },
          types: list(eventTypeName), networks: list(networkName), hosts: list(hostName),
          after: position('deliver the events after this log position (default: from now)'),
        },
      },
      response: { ...errorResponses, 201: webhookAddedSchema },
    },
  }, async (request, reply) => {
    requireRole(request.principal, Role.Operator);
    const url = checkWebhookUrl(request.body.url);
    const types = [...new Set(request.body.types ?? [])];
    const unknown = types.filter((t) => !isEventType(t) && !CLOUD_EVENT_TYPES.has(t));
    if (unknown.length > 0) throw new NetfleetError('NF_WEBHOOK_UNKNOWN_TYPE', { types: unknown.map((t) => t.slice(0, 128)) });
    const secret = newWebhookSecret();
    const created = await createWebhook(db, {
      id: `wh_${randomBytes(8).toString('hex')}`, url, secret, types, networks: [...new Set(request.body.networks ?? [])], hosts: [...new Set(request.body.hosts ?? [])],
      createdBy: request.principal.actor, after: request.body.after ?? await settledPosition(db),
    });
    request.log.info({ webhook: created.id, url, by: request.principal.actor }, 'webhook added');
    return reply.status(201).send({ ...withLag(created, await headPosition(db)), secret });
  });

  routes.get('/v1/webhooks', {
    schema: { description: 'Every webhook with its delivery status and lag (never its secret).', response: { ...errorResponses, 200: webhookListSchema } },
  }, async () => {
    const [webhooks, head] = await Promise.all([listWebhooks(db), headPosition(db)]);
    return { webhooks: webhooks.map((w) => withLag(w, head)) };
  });

  routes.get('/v1/webhooks/:id', { schema: { description: 'One webhook\'s delivery status and lag.', params, response: { ...errorResponses, 200: webhookStatusSchema } } }, async (request) => {
    const [webhook, head] = await Promise.all([getWebhook(db, request.params.id), headPosition(db)]);
    if (!webhook) throw notFound(request.params.id);
    return withLag(webhook, head);
  });

  routes.delete('/v1/webhooks/:id', {
    schema: { description: 'Removes a webhook; nothing more is delivered to it.', params, response: { ...errorResponses, 200: webhookRemovedSchema } },
  }, async (request) => {
    requireRole(request.principal, Role.Operator);
    if (!(await removeWebhook(db, request.params.id))) throw notFound(request.params.id);
    request.log.info({ webhook: request.params.id, by: request.principal.actor }, 'webhook removed');
    return { id: request.params.id, removed: true };
  });
}
