import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { isValidHostName } from '@netfleet/bus/names';
import { getNetworkView, listNetworkViews } from '@netfleet/eventstore/views';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import { formatNetworkXml } from '@netfleet/netxml/format';
import type { ApiContext } from '../api-context';
import { Role, requireRole, type Principal } from '../auth/authenticate';
import { bridgeOfDef } from '../commands/bridge-name-of';
import { executeNetworkCommand, type CommandRequest, type CommandResult } from '../commands/execute-network-command';
import { waitForHosts } from '../commands/wait-for-hosts';

const nameParams = {
  type: 'object', required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
const waitQuery = {
  type: 'object',
  properties: {
    wait: { type: 'boolean', default: false },
    timeout: { type: 'number', minimum: 0, maximum: 3600, default: 30, description: 'seconds' },
  },
} as const;
const defineBody = {
  type: 'object', required: ['xml'], additionalProperties: false,
  properties: {
    xml: { type: 'string', minLength: 1 },
    hosts: { type: 'array', items: { type: 'string' }, maxItems: 10_000 },
    comment: { type: 'string', maxLength: 2000 },
    expectedVersion: { type: 'integer', minimum: 0 },
  },
} as const;

declare module 'fastify' {
  interface FastifyRequest { principal: Principal }
}

type NameRequest = FastifyRequest<{ Params: { name: string }; Querystring: { wait: boolean; timeout: number } }>;

/** The networks resource: virsh's net-* verbs over HTTP. */
export async function networkRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;

  app.get('/v1/networks', async () => ({ networks: await listNetworkViews(ctx.db) }));

  app.get('/v1/networks/:name', { schema: { params: nameParams } }, async (request: FastifyRequest<{ Params: { name: string } }>) =>
    requireView(ctx, request.params.name));

  app.get('/v1/networks/:name/xml', { schema: { params: nameParams } }, async (request: FastifyRequest<{ Params: { name: string } }>, reply) =>
    reply.type('application/xml').send((await requireView(ctx, request.params.name)).xml));

  app.post('/v1/networks', { schema: { body: defineBody } }, async (request: FastifyRequest<{ Body: { xml: string; hosts?: string[]; comment?: string; expectedVersion?: number } }>, reply) => {
    requireRole(request.principal, Role.Operator);
    const { xml, hosts = [], comment, expectedVersion } = request.body;
    for (const host of hosts) {
      if (!isValidHostName(host)) throw new NetfleetError('NF_HOST_INVALID', `host name '${host}' is not valid: use 1-64 letters, digits, '-' or '_'`, { host });
    }
    const parsed = parseNetworkXml(xml);
    const existing = await getNetworkView(ctx.db, parsed.name);
    const def = { ...parsed, uuid: parsed.uuid ?? existing?.uuid ?? ctx.newId() };
    const bridge = bridgeOfDef(def);
    const result = await executeNetworkCommand(ctx, {
      ...commonOf(request, comment), ...(expectedVersion !== undefined ? { expectedVersion } : {}),
      command: { type: 'DefineNetwork', name: def.name, uuid: def.uuid, networkType: def.type, xml: formatNetworkXml(def), hosts, ...(bridge ? { bridge } : {}) },
    });
    return reply.status(result.duplicate ? 200 : 201).send(await answer(ctx, result, false, 0));
  });

  const lifecycle = (path: string, type: 'StartNetwork' | 'DestroyNetwork') =>
    app.post(path, { schema: { params: nameParams, querystring: waitQuery } }, async (request: NameRequest) => {
      requireRole(request.principal, Role.Operator);
      const result = await executeNetworkCommand(ctx, { ...commonOf(request), command: { type, name: request.params.name } });
      return answer(ctx, result, request.query.wait, request.query.timeout * 1000);
    });
  lifecycle('/v1/networks/:name/start', 'StartNetwork');
  lifecycle('/v1/networks/:name/destroy', 'DestroyNetwork');

  app.delete('/v1/networks/:name', { schema: { params: nameParams } }, async (request: FastifyRequest<{ Params: { name: string } }>) => {
    requireRole(request.principal, Role.Operator);
    const result = await executeNetworkCommand(ctx, { ...commonOf(request), command: { type: 'UndefineNetwork', name: request.params.name } });
    return answer(ctx, result, false, 0);
  });
}

function commonOf(request: FastifyRequest, comment?: string): Omit<CommandRequest, 'command'> {
  const key = request.headers['idempotency-key'];
  return {
    actor: request.principal.actor,
    ...(typeof key === 'string' && key.length > 0 ? { commandId: key } : {}),
    ...(comment ? { comment } : {}),
  };
}

async function answer(ctx: ApiContext, result: CommandResult, wait: boolean, timeoutMs: number) {
  const waited = wait && result.hostCommands.length > 0 ? await waitForHosts(ctx, result.network, result.hostCommands, timeoutMs) : undefined;
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
  if (!view) throw new NetfleetError('NF_NETWORK_NOT_FOUND', `network '${name}' is not defined; see net-list --all`, { network: name });
  return view;
}
