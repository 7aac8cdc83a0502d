import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { hostAddedSchema, hostListSchema } from '@netfleet/api-types/host-answers';
import { isValidHostName } from '@netfleet/bus/names';
import { issueHostCredentials, type HostCredentials } from '@netfleet/bus/credentials/host-password';
import { reservedHostNameReason } from '@netfleet/bus/credentials/reserved-host-names';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds } from '@netfleet/events/event-envelope';
import { HostEventType } from '@netfleet/events/host-events';
import { NAME_MAX_LENGTH } from '@netfleet/events/name-limits';
import { appendToStream } from '@netfleet/eventstore/append';
import { deleteHostCredentials, getHostCredentials, saveHostCredentials } from '@netfleet/eventstore/host-credentials';
import { listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import type { ApiContext } from '../api-context';
import { requireRole, Role } from '../auth/authenticate';
import { errorResponses, typed } from './typed-routes';

const labelsSchema = {
  type: 'object', maxProperties: 64,
  additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9_.-]{0,63}$' }, propertyNames: { pattern: '^[A-Za-z0-9_./-]{1,63}$' },
} as const;

/** Hosts: registration with labels (admin), and the host list with liveness and networks. */
export async function hostRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const routes = typed(app);

  routes.get('/v1/hosts', { schema: { response: { 200: hostListSchema, ...errorResponses } } }, async () => {
    const [hosts, networks] = await Promise.all([listHostViews(ctx.db), listNetworkViews(ctx.db)]);
    return {
      hosts: hosts.map((h) => ({ ...h, networks: networks.filter((n) => n.hosts.includes(h.name)).map((n) => n.name) })),
    };
  });

  routes.post('/v1/hosts', {
    schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: {
      // Checked in the handler, so a bad name gets NF_HOST_INVALID (the schema only bounds it).
      name: { type: 'string', maxLength: 1024 }, labels: labelsSchema,
      rotateCredentials: { type: 'boolean', default: false, description: 'issue new NATS credentials even if the host has some' },
    } }, response: { 201: hostAddedSchema, ...errorResponses } },
  }, async (request, reply) => {
    requireRole(request.principal, Role.Admin);
    const { name, labels = {}, rotateCredentials } = request.body;
    if (!isValidHostName(name)) throw new NetfleetError('NF_HOST_INVALID', { host: name.slice(0, 80), max: NAME_MAX_LENGTH });
    const reserved = reservedHostNameReason(name, ctx.busUser);
    if (reserved) throw new NetfleetError('NF_HOST_RESERVED', { host: name, reason: reserved });
    const nats = await registerHost(ctx, { host: name, labels, rotate: rotateCredentials, actor: request.principal.actor });
    // The host is registered: its consumer is made here or by the first command for it, so a
    // failure now must not lose the password shown only in this answer.
    await ctx.hostConsumers.ensure([name]).catch((e) => request.log.warn({ err: e, host: name }, 'could not make the host\'s command consumer yet; its first command will'));
    return reply.status(201).send({ name, labels, ...(nats ? { nats: { user: nats.user, password: nats.password, inboxPrefix: nats.inboxPrefix } } : {}) });
  });
}

/**
 * Registers a host, issuing its agent's NATS credentials when it has none (or `rotate`). Every
 * check runs before anything is written, and the writes go in an order where a failure of one
 * undoes the ones before it: the NATS auth include with the new user (it is only ever rewritten
 * whole), then the credentials, then the HostRegistered event. A refused host-add leaves no trace.
 * The password is returned once; only its bcrypt hash is kept, for the NATS auth config.
 */
async function registerHost(ctx: ApiContext, input: { host: string; labels: Record<string, string>; rotate: boolean; actor: string }): Promise<HostCredentials | undefined> {
  const { host } = input;
  const before = await getHostCredentials(ctx.db, host);
  const credentials = before && !input.rotate ? undefined : await issueHostCredentials(ctx.names, host);
  if (credentials) {
    await ctx.natsAuth?.write({ user: credentials.user, passwordHash: credentials.passwordHash });
    try {
      await saveHostCredentials(ctx.db, { host, natsUser: credentials.user, passwordHash: credentials.passwordHash });
    } catch (e) {
      await undo(ctx, host, undefined);
      throw e;
    }
  }
  try {
    await appendToStream(ctx.db, {
      streamId: streamIds.host(host), expectedVersion: 'any',
      events: [{
        eventId: randomUUID(), type: HostEventType.HostRegistered, v: 1, data: { host, labels: input.labels },
        metadata: { actor: input.actor, source: 'api', correlationId: randomUUID(), occurredAt: ctx.now().toISOString() },
      }],
    });
  } catch (e) {
    if (credentials) await undo(ctx, host, before ?? null);
    throw e;
  }
  // Once more now the credentials are stored: a concurrent host-add's write, which read the
  // stored credentials before these were saved, may have left them out of the include. The last
  // write of all then sees every stored host.
  if (credentials) await ctx.natsAuth?.write().catch((e: unknown) => ctx.log.error({ err: e, host }, 'rewriting the NATS auth include after host-add failed; the next host-add rewrites it'));
  return credentials;
}

/** Puts the host's credentials back as they were (`null`: none) and the include with them. */
async function undo(ctx: ApiContext, host: string, before: { natsUser: string; passwordHash: string } | null | undefined): Promise<void> {
  try {
    if (before === null) await deleteHostCredentials(ctx.db, host);
    else if (before) await saveHostCredentials(ctx.db, { host, ...before });
    await ctx.natsAuth?.write();
  } catch (e) {
    ctx.log.error({ err: e, host }, 'host-add failed and undoing its credentials failed too; run host-add again for this host');
  }
}
