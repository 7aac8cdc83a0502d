import type { FastifyInstance } from 'fastify';
import { dryRunSchema, type DryRunAnswer } from '@netfleet/api-types/plan-answers';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { runNetworkCommand } from '@netfleet/fleet/run-network-command';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { requestHostPlans } from '../commands/host-plans';
import { readCommandState } from '../commands/read-command-state';
import { errorResponses, typed } from './typed-routes';

/**
 * The commands a start/destroy WOULD send to the hosts, through the same pure pipeline as the
 * real thing (runNetworkCommand) but recorded nowhere: the refusals a real command would meet
 * (not defined, already active, a bridge conflict …) are thrown the same way.
 */
export async function wouldBeCommands(ctx: ApiContext, action: 'start' | 'destroy', name: string): Promise<ApplyNetworkV1[]> {
  const command = action === 'start' ? { type: 'StartNetwork' as const, name } : { type: 'DestroyNetwork' as const, name };
  const outcome = runNetworkCommand(command, await readCommandState(ctx.db, command), {
    metadata: { actor: 'dry-run', source: 'api', correlationId: 'dry-run', occurredAt: ctx.now().toISOString() },
    eventIdOf: () => 'dry-run',
    newId: () => `dry-run:${ctx.newId()}`,
  });
  return outcome.hostCommands;
}

/**
 * `POST /v1/networks/:name/plan {action}`: the plan (`--dry-run`) of a start or destroy — each
 * placed host's agent answers with the exact ovs-vsctl argv it would run against its OVS now.
 */
export async function dryRunRoutes(app: FastifyInstance, opts: { ctx: ApiContext; planTimeoutMs?: number }): Promise<void> {
  const { ctx } = opts;
  typed(app).post('/v1/networks/:name/plan', {
    schema: {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } },
      body: { type: 'object', required: ['action'], additionalProperties: false, properties: { action: { type: 'string', enum: ['start', 'destroy'] } } },
      response: { 200: dryRunSchema, ...errorResponses },
    },
  }, async (request): Promise<DryRunAnswer> => {
    requireRole(request.principal, Role.Viewer);
    const commands = await wouldBeCommands(ctx, request.body.action, request.params.name);
    return { network: request.params.name, action: request.body.action, dryRun: true, hosts: await requestHostPlans(ctx, commands, opts.planTimeoutMs) };
  });
}
