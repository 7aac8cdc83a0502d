import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context';

/** Who the token belongs to and its role: the dashboard shows it and greys out what it may not do. */
export async function whoamiRoutes(app: FastifyInstance, _opts: { ctx: ApiContext }): Promise<void> {
  app.get('/v1/whoami', {
    schema: { description: 'The caller\'s actor name and role (viewer, operator or admin).' },
  }, async (request) => ({ actor: request.principal.actor, role: request.principal.role }));
}
