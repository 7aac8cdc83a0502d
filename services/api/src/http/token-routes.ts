import type { FastifyInstance } from 'fastify';
import { tokenCreatedSchema, tokenListSchema, tokenRevokedSchema } from '@netfleet/api-types/access-answers';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { createApiToken, listApiTokens, revokeApiToken } from '@netfleet/eventstore/api-tokens';
import type { ApiContext } from '../api-context';
import { newToken, requireRole, Role, ROLES, tokenHash } from '../auth/authenticate';
import { tokenName } from './schema-bounds';
import { errorResponses, typed } from './typed-routes';

/** API tokens (admin only). The token itself is returned once, at creation. */
export async function tokenRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { db } = opts.ctx;

  const routes = typed(app);
  routes.get('/v1/tokens', { schema: { response: { 200: tokenListSchema, ...errorResponses } } }, async (request) => {
    requireRole(request.principal, Role.Admin);
    const tokens = await listApiTokens(db);
    return { tokens: tokens.map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), revokedAt: t.revokedAt?.toISOString() ?? null })) };
  });

  routes.post('/v1/tokens', {
    schema: {
      body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: tokenName, role: { type: 'string', enum: [...ROLES] } } },
      response: { 201: tokenCreatedSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    requireRole(request.principal, Role.Admin);
    const token = newToken();
    await createApiToken(db, { name: request.body.name, role: request.body.role, hash: tokenHash(token), createdBy: request.principal.actor });
    request.log.info({ token: request.body.name, role: request.body.role, by: request.principal.actor }, 'token created');
    return reply.status(201).send({ name: request.body.name, role: request.body.role, token });
  });

  routes.delete('/v1/tokens/:name', {
    schema: { params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: tokenName } }, response: { 200: tokenRevokedSchema, ...errorResponses } },
  }, async (request) => {
    requireRole(request.principal, Role.Admin);
    if (!(await revokeApiToken(db, request.params.name, opts.ctx.now()))) throw new NetfleetError('NF_TOKEN_NOT_FOUND', { name: request.params.name });
    request.log.info({ token: request.params.name, by: request.principal.actor }, 'token revoked');
    return { name: request.params.name, revoked: true as const };
  });
}
