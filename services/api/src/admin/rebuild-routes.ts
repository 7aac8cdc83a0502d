import type { FastifyInstance } from 'fastify';
import { rebuildSchema } from '@netfleet/api-types/admin-answers';
import { rebuildViews } from '@netfleet/eventstore/rebuild';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { errorResponses, typed } from '../http/typed-routes';

/** Admin: rebuild the fleet view's tables from the log (`netfleet admin rebuild`). */
export async function rebuildRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  typed(app).post('/v1/admin/rebuild', { schema: { response: { 200: rebuildSchema, ...errorResponses } } }, async (request) => {
    requireRole(request.principal, Role.Admin);
    const result = await rebuildViews(ctx.db);
    request.log.info({ ...result, actor: request.principal.actor }, 'rebuilt the fleet view from the log');
    return result;
  });
}
