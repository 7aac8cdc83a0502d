import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isValidHostName } from '@netfleet/bus/names';
import { issueHostCredentials } from '@netfleet/bus/credentials/host-password';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds } from '@netfleet/events/event-envelope';
import { HostEventType } from '@netfleet/events/host-events';
import { appendToStream } from '@netfleet/eventstore/append';
import { hasHostCredentials, saveHostCredentials } from '@netfleet/eventstore/host-credentials';
import { listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import type { ApiContext } from '../api-context';
import { requireRole, Role } from '../auth/authenticate';

const labelsSchema = { type: 'object', additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9_.-]{0,63}$' }, propertyNames: { pattern: '^[A-Za-z0-9_./-]{1,63}$' } } as const;

/** Hosts: registration with labels (admin), and the host list with liveness and networks. */
export async function hostRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;

  app.get('/v1/hosts', async () => {
    const [hosts, networks] = await Promise.all([listHostViews(ctx.db), listNetworkViews(ctx.db)]);
    return {
      hosts: hosts.map((h) => ({ ...h, networks: networks.filter((n) => n.hosts.includes(h.name)).map((n) => n.name) })),
    };
  });

  app.post('/v1/hosts', {
    schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: {
      name: { type: 'string' }, labels: labelsSchema,
      rotateCredentials: { type: 'boolean', default: false, description: 'issue new NATS credentials even if the host has some' },
    } } },
  }, async (request: FastifyRequest<{ Body: { name: string; labels?: Record<string, string>; rotateCredentials: boolean } }>, reply) => {
    requireRole(request.principal, Role.Admin);
    const { name, labels = {}, rotateCredentials } = request.body;
    if (!isValidHostName(name)) throw new NetfleetError('NF_HOST_INVALID', `host name '${name}' is not valid: use 1-64 letters, digits, '-' or '_'`, { host: name });
    const correlationId = randomUUID();
    await appendToStream(ctx.db, {
      streamId: streamIds.host(name), expectedVersion: 'any',
      events: [{
        eventId: randomUUID(), type: HostEventType.HostRegistered, v: 1, data: { host: name, labels },
        metadata: { actor: request.principal.actor, source: 'api', correlationId, occurredAt: ctx.now().toISOString() },
      }],
    });
    await ctx.hostConsumers.ensure([name]);
    const nats = await issueCredentialsOnce(ctx, name, rotateCredentials);
    return reply.status(201).send({ name, labels, ...(nats ? { nats } : {}) });
  });
}

/**
 * A host's agent gets its own NATS user, allowed only its own subjects (deploy/nats). The
 * password is returned once; only its bcrypt hash is kept, for the NATS auth config.
 */
async function issueCredentialsOnce(ctx: ApiContext, host: string, rotate: boolean): Promise<{ user: string; password: string; inboxPrefix: string } | undefined> {
  if (!rotate && (await hasHostCredentials(ctx.db, host))) return undefined;
  const credentials = await issueHostCredentials(ctx.names, host);
  await saveHostCredentials(ctx.db, { host, natsUser: credentials.user, passwordHash: credentials.passwordHash });
  await ctx.natsAuth?.write();
  return { user: credentials.user, password: credentials.password, inboxPrefix: credentials.inboxPrefix };
}
