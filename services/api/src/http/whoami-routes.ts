import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context';
import { whoamiSchema } from '@netfleet/api-types/access-answers';
import { errorResponses, typed } from './typed-routes';

/** Who the token belongs to and its role: the dashboard shows it and greys out what it may not do. */
export async function whoamiRoutes(app: FastifyInstance, _opts: { ctx: ApiContext }): Promise<void> {
  typed(app).get('/v1/whoami', {
    schema: { description: 'The caller\'s actor name and role (viewer, operator or admin).', response: { 200: whoamiSchema, ...errorResponses } },
  }, async (request) => ({ actor: request.principal.actor, role: request.principal.role }));
}
