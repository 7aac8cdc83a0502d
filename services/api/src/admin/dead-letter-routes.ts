import type { FastifyInstance } from 'fastify';
import { deadLetterPageSchema } from '@netfleet/api-types/admin-answers';
import { listDeadLetters } from '@netfleet/eventstore/dead-letters';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { position } from '../http/schema-bounds';
import { errorResponses, typed } from '../http/typed-routes';

/**
 * Admin: what agents sent that the API will never record (malformed, for another host, about a
 * network not placed there, refused by the store on every delivery), newest first, with the
 * count per reason. Each was terminated on the bus: it is only here.
 */
export async function deadLetterRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  typed(app).get('/v1/admin/dead-letters', {
    schema: {
      description: 'Agents\' events that can never be recorded, newest first, with why (reasonCode from docs/errors.md) and the count per reason.',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { before: position('page: dead letters with a smaller id'), limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      },
      response: { 200: deadLetterPageSchema, ...errorResponses },
    },
  }, async (request) => {
    requireRole(request.principal, Role.Admin);
    return listDeadLetters(ctx.db, { limit: request.query.limit, ...(request.query.before !== undefined ? { before: request.query.before } : {}) });
  });
}
