import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { commandAnswerSchema, networkDetailSchema, networkListSchema, type CommandAnswer } from '@netfleet/api-types/network-answers';
import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import { getNetworkView, listHostViews, listNetworkViews } from '@netfleet/eventstore/views';
import type { NetworkCommand } from '@netfleet/fleet/decide';
import { resolvePlacement } from '@netfleet/fleet/resolve-placement';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import { formatNetworkXml } from '@netfleet/netxml/format';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { ovsBridgeOf } from '@netfleet/netxml/ovs-bridge';
import { executeNetworkCommand, type CommandRequest, type CommandResult } from '../commands/execute-network-command';
import { waitForHosts, type WaitResult } from '../commands/wait-for-hosts';
import { NAME_MAX_LENGTH } from '@netfleet/events/name-limits';
import { expectedVersionOf } from './if-match';
import { recordIdempotentAnswer } from './idempotency';
import { comment, hostName, networkName, NO_NUL, position, selector, waitTimeout } from './schema-bounds';
import { errorResponses, typed } from './typed-routes';

const nameParams = {
  type: 'object', required: ['name'], additionalProperties: false,
  properties: { name: networkName },
} as const;
const waitQuery = {
  type: 'object', additionalProperties: false,
  properties: {
    wait: { type: 'boolean', default: false, description: 'answer once every affected host reported (or the timeout passed)' },
    timeout: waitTimeout,
  },
} as const;
const placementProperties = {
  hosts: { type: 'array', items: hostName, maxItems: 10_000, description: 'host names' },
  selectors: { type: 'array', items: selector, maxItems: 100, description: 'label selectors: key=value[,key=value]' },
} as const;
/** A definition may come as XML with its placement in the query (app.ts's XML parser). */
const definitionQuery = {
  type: 'object', additionalProperties: false,
  properties: { ...waitQuery.properties, host: { anyOf: [hostName, { type: 'array', items: hostName, maxItems: 10_000 }] }, hosts: { anyOf: [selector, { type: 'array', items: selector, maxItems: 100 }] } },
} as const;
const definitionBody = {
  type: 'object', required: ['xml'], additionalProperties: false,
  properties: {
    // Bounded by the body limit; netxml refuses past 1 MiB with its own NF_XML_TOO_LARGE.
    xml: { type: 'string', minLength: 1, maxLength: 2 * 1024 * 1024, pattern: NO_NUL, description: 'network XML (libvirt format, or type=ovs-datapath)' },
    ...placementProperties,
    comment,
    expectedVersion: { ...position('refuse if the network changed since this version (or send If-Match)'), maximum: 2 ** 31 - 1 },
  },
} as const;

/** Why a command was given: recorded in its events' metadata, shown in the history. */
const commentBody = {
  type: 'object', additionalProperties: false, nullable: true,
  properties: { comment },
} as const;

/** Every state-changing network route: a retry with its Idempotency-Key is answered once; If-Match is its version. */
const commandConfig = { idempotent: true, ifMatch: true } as const;

interface DefinitionBody { xml: string; hosts?: string[]; selectors?: string[]; comment?: string; expectedVersion?: number }
interface WaitQuery { wait: boolean; timeout: number }

const commandResponses = { 200: commandAnswerSchema, 201: commandAnswerSchema, ...errorResponses } as const;

/** The networks resource: virsh's net-* verbs over HTTP, for the whole fleet. */
export async function networkRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const routes = typed(app);

  routes.get('/v1/networks', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { host: hostName } }, response: { 200: networkListSchema, ...errorResponses } },
  }, async (request) => {
    const networks = await listNetworkViews(ctx.db);
    const host = request.query.host;
    return { networks: host ? networks.filter((n) => n.hosts.includes(host) || n.perHost[host]) : networks };
  });

  routes.get('/v1/networks/:name', { schema: { params: nameParams, response: { 200: networkDetailSchema, ...errorResponses } } }, async (request) => {
    const view = await requireView(ctx, request.params.name);
    return { ...view, bridge: ovsBridgeOf(parseNetworkXml(view.xml))?.bridge ?? null };
  });

  routes.get('/v1/networks/:name/xml', { schema: { params: nameParams, response: { 200: { type: 'string', description: 'the definition (application/xml); ETag is its version' }, ...errorResponses } } }, async (request, reply) => {
    const view = await requireView(ctx, request.params.name);
    return reply.type('application/xml').header('etag', `"${view.version}"`).send(view.xml);
  });

  routes.post('/v1/networks', { config: commandConfig, schema: { body: definitionBody, querystring: definitionQuery, response: commandResponses } }, async (request, reply) => {
    requireRole(request.principal, Role.Operator);
    // The version a redefinition is based on: the body's expectedVersion, or If-Match with the
    // ETag GET …/xml answered (optimistic concurrency either way).
    const result = await executeNetworkCommand(ctx, {
      ...commonOf(request, request.body.comment, request.body.expectedVersion),
      command: await definitionCommand(ctx, 'DefineNetwork', request.body),
    });
    // Redefining a running network re-applies it on its hosts: --wait waits for them.
    return respond(ctx, request, reply, result, result.duplicate ? 200 : 201);
  });

  routes.post('/v1/networks/create', { config: commandConfig, schema: { body: definitionBody, querystring: definitionQuery, response: commandResponses } }, async (request, reply) => {
    requireRole(request.principal, Role.Operator);
    const command = await definitionCommand(ctx, 'CreateNetwork', request.body);
    const result = await executeNetworkCommand(ctx, { ...commonOf(request, request.body.comment, request.body.expectedVersion), command });
    return respond(ctx, request, reply, result, 201);
  });

  const lifecycle = (path: string, type: 'StartNetwork' | 'DestroyNetwork') =>
    routes.post(path, { config: commandConfig, schema: { params: nameParams, querystring: waitQuery, body: commentBody, response: commandResponses } }, async (request, reply) => {
      requireRole(request.principal, Role.Operator);
      const result = await executeNetworkCommand(ctx, { ...commonOf(request, request.body?.comment), command: { type, name: request.params.name } });
      return respond(ctx, request, reply, result);
    });
  lifecycle('/v1/networks/:name/start', 'StartNetwork');
  lifecycle('/v1/networks/:name/destroy', 'DestroyNetwork');

  routes.put('/v1/networks/:name/autostart', {
    config: commandConfig,
    schema: { params: nameParams, body: { type: 'object', required: ['autostart'], additionalProperties: false, properties: { autostart: { type: 'boolean' } } }, response: commandResponses },
  }, async (request) => {
    requireRole(request.principal, Role.Operator);
    return answer(ctx, await executeNetworkCommand(ctx, { ...commonOf(request), command: { type: 'SetAutostart', name: request.params.name, autostart: request.body.autostart } }));
  });

  routes.put('/v1/networks/:name/placement', {
    config: commandConfig,
    schema: { params: nameParams, querystring: waitQuery, body: { type: 'object', additionalProperties: false, properties: { ...placementProperties, comment } }, response: commandResponses },
  }, async (request, reply) => {
    requireRole(request.principal, Role.Operator);
    const hosts = resolvePlacement(request.body.hosts ?? [], request.body.selectors ?? [], await listHostViews(ctx.db));
    const result = await executeNetworkCommand(ctx, { ...commonOf(request, request.body.comment), command: { type: 'ChangePlacement', name: request.params.name, hosts } });
    return respond(ctx, request, reply, result);
  });

  routes.delete('/v1/networks/:name', {
    config: commandConfig,
    schema: { params: nameParams, querystring: { type: 'object', additionalProperties: false, properties: {
      ...waitQuery.properties,
      destroy: { type: 'boolean', default: false, description: 'stop it first where it runs' },
      comment,
    } }, response: commandResponses },
  }, async (request, reply) => {
    requireRole(request.principal, Role.Operator);
    const command: NetworkCommand = { type: 'UndefineNetwork', name: request.params.name, destroyFirst: request.query.destroy };
    return respond(ctx, request, reply, await executeNetworkCommand(ctx, { ...commonOf(request, request.query.comment), command }));
  });
}

/** Parses and validates a definition and resolves its placement against the known hosts. */
async function definitionCommand(ctx: ApiContext, type: 'DefineNetwork' | 'CreateNetwork', body: DefinitionBody): Promise<NetworkCommand> {
  const parsed = parseNetworkXml(body.xml);
  // Every name must fit the routes that act on it later (/v1/networks/{name}/…).
  if (parsed.name.length > NAME_MAX_LENGTH) {
    throw new NetfleetError('NF_NETWORK_NAME_TOO_LONG', { name: parsed.name.slice(0, 80), length: parsed.name.length, max: NAME_MAX_LENGTH });
  }
  const existing = await getNetworkView(ctx.db, parsed.name);
  const def = { ...parsed, uuid: parsed.uuid ?? existing?.uuid ?? ctx.newId() };
  const asked = (body.hosts?.length ?? 0) + (body.selectors?.length ?? 0) > 0;
  const hosts = asked ? resolvePlacement(body.hosts ?? [], body.selectors ?? [], await listHostViews(ctx.db)) : [];
  return { type, name: def.name, uuid: def.uuid, networkType: def.type, xml: formatNetworkXml(def), hosts };
}

/**
 * Who, why, the version the change is based on (If-Match or the body's expectedVersion), and the
 * command id derived from the request's Idempotency-Key (idempotency.ts: scoped to the actor and
 * the request, so a reused key never passes for a retry).
 */
function commonOf(request: FastifyRequest, comment?: string, bodyVersion?: number): Omit<CommandRequest, 'command'> {
  const expectedVersion = expectedVersionOf(request, bodyVersion);
  return {
    actor: request.principal.actor,
    ...(request.idempotency ? { commandId: request.idempotency.commandId } : {}),
    ...(comment ? { comment } : {}),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  };
}

/**
 * Answers a state-changing verb. With `wait`, it answers once every affected host reported, or
 * at the timeout; a client that accepts `application/x-ndjson` gets a progress line whenever a
 * host answers, then the result.
 */
async function respond(ctx: ApiContext, request: FastifyRequest & { query: WaitQuery }, reply: FastifyReply, result: CommandResult, status = 200) {
  const { wait, timeout } = request.query;
  if (!wait || result.hostCommands.length === 0) return reply.status(status).send(await answer(ctx, result));
  if (!String(request.headers.accept ?? '').includes('application/x-ndjson')) {
    return reply.status(status).send(await answer(ctx, result, await waitForHosts(ctx, result.network, result.hostCommands, positionOf(result), timeout * 1000, undefined, request.tokenRevoked)));
  }
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(status, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  const line = (value: unknown) => raw.write(`${JSON.stringify(value)}\n`);
  try {
    const waited = await waitForHosts(ctx, result.network, result.hostCommands, positionOf(result), timeout * 1000, (progress) => line({ progress: progressOf(progress) }), request.tokenRevoked);
    const final = await answer(ctx, result, waited);
    await recordIdempotentAnswer(ctx.db, request, reply, status, final);
    line({ result: final });
  } catch (e) {
    // The head is sent: the error is the last line (the token was revoked, the store went away).
    request.log.warn({ err: e }, 'waiting for the hosts ended early');
    line({ error: isNetfleetError(e) ? e.toJSON() : new NetfleetError('NF_API_INTERNAL', { requestId: request.id }).toJSON() });
  }
  raw.end();
}

/** Reports answering a command come after the events that issued it. */
const positionOf = (result: CommandResult) => result.events[0] ? result.events[0].position - 1 : 0;

function progressOf(wait: WaitResult) {
  return { done: wait.hosts.filter((h) => h.outcome !== 'pending').length, total: wait.hosts.length, waitingFor: wait.hosts.filter((h) => h.outcome === 'pending').map((h) => h.host) };
}

async function answer(_ctx: ApiContext, result: CommandResult, waited?: WaitResult): Promise<CommandAnswer> {
  return {
    network: result.network,
    correlationId: result.correlationId,
    version: result.view?.version ?? null,
    generation: result.view?.generation ?? null,
    duplicate: result.duplicate,
    events: result.events.map((e) => ({ position: e.position, type: e.type, streamVersion: e.streamVersion })),
    hosts: waited?.hosts ?? result.hostCommands.map((c) => ({ host: c.host, outcome: 'pending', generation: c.generation, warnings: [] })),
    complete: waited?.complete ?? false,
  };
}

async function requireView(ctx: ApiContext, name: string) {
  const view = await getNetworkView(ctx.db, name);
  if (!view) throw new NetfleetError('NF_NETWORK_NOT_FOUND', { network: name });
  return view;
}
