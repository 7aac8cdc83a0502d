import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rebuildViews } from '@netfleet/eventstore/rebuild';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';

/** Admin: rebuild the fleet view's tables from the log (`netfleet admin rebuild`). */
export async function rebuildRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.post('/v1/admin/rebuild', async (request: FastifyRequest) => {
    requireRole(request.principal, Role.Admin);
    const result = await rebuildViews(ctx.db);
    request.log.info({ ...result, actor: request.principal.actor }, 'rebuilt the fleet view from the log');
    return result;
  });
}
