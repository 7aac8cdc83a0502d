import { parseNetworkXml } from '@netfleet/netxml/parse';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { getNetworkView } from '@netfleet/eventstore/views';
import { decideNetwork } from '@netfleet/fleet/decide';
import { evolveNetwork } from '@netfleet/fleet/evolve';
import { hostCommandsFor } from '@netfleet/fleet/host-commands-for';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { ovsBridgeOf } from '@netfleet/netxml/ovs-bridge';
import { requestHostPlans, type HostPlanAnswer } from '../commands/host-plans';

/**
 * The commands a start/destroy WOULD send to the hosts, decided and folded exactly like the real
 * thing (pure @netfleet/fleet) but recorded nowhere: the refusals a real command would meet
 * (not defined, already active …) are thrown the same way.
 */
export async function wouldBeCommands(ctx: ApiContext, action: 'start' | 'destroy', name: string): Promise<ApplyNetworkV1[]> {
  const view = await getNetworkView(ctx.db, name);
  const command = action === 'start' ? { type: 'StartNetwork' as const, name } : { type: 'DestroyNetwork' as const, name };
  const decided = decideNetwork(command, view, { others: [], bridgeOf: (other) => ovsBridgeOf(parseNetworkXml(other.xml))?.bridge });
  const now = ctx.now().toISOString();
  const commands: ApplyNetworkV1[] = [];
  let before = view;
  decided.forEach((e, i) => {
    const event = { ...e, position: 0, streamVersion: (view?.version ?? 0) + i + 1, metadata: { actor: 'dry-run', source: 'api' as const, correlationId: 'dry-run', occurredAt: now } };
    const after = evolveNetwork(before, event);
    commands.push(...hostCommandsFor(event, before, after, { correlationId: 'dry-run', newId: () => `dry-run:${ctx.newId()}`, now }));
    before = after;
  });
  return commands;
}

export interface DryRunAnswer {
  network: string;
  action: 'start' | 'destroy';
  dryRun: true;
  hosts: HostPlanAnswer[];
}

/**
 * `POST /v1/networks/:name/plan {action}`: the plan (`--dry-run`) of a start or destroy — each
 * placed host's agent answers with the exact ovs-vsctl argv it would run against its OVS now.
 */
export async function dryRunRoutes(app: FastifyInstance, opts: { ctx: ApiContext; planTimeoutMs?: number }): Promise<void> {
  const { ctx } = opts;
  app.post('/v1/networks/:name/plan', {
    schema: {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
      body: { type: 'object', required: ['action'], additionalProperties: false, properties: { action: { type: 'string', enum: ['start', 'destroy'] } } },
    },
  }, async (request: FastifyRequest<{ Params: { name: string }; Body: { action: 'start' | 'destroy' } }>): Promise<DryRunAnswer> => {
    requireRole(request.principal, Role.Viewer);
    const commands = await wouldBeCommands(ctx, request.body.action, request.params.name);
    return { network: request.params.name, action: request.body.action, dryRun: true, hosts: await requestHostPlans(ctx, commands, opts.planTimeoutMs) };
  });
}
