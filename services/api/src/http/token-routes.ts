import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { createApiToken, listApiTokens, revokeApiToken } from '@netfleet/eventstore/api-tokens';
import type { ApiContext } from '../api-context';
import { newToken, requireRole, Role, ROLES, tokenHash } from '../auth/authenticate';
import { tokenName } from './schema-bounds';


/** API tokens (admin only). The token itself is returned once, at creation. */
export async function tokenRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { db } = opts.ctx;

  app.get('/v1/tokens', async (request) => {
    requireRole(request.principal, Role.Admin);
    return { tokens: await listApiTokens(db) };
  });

  app.post('/v1/tokens', {
    schema: { body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: tokenName, role: { type: 'string', enum: [...ROLES] } } } },
  }, async (request: FastifyRequest<{ Body: { name: string; role: Role } }>, reply) => {
    requireRole(request.principal, Role.Admin);
    const token = newToken();
    await createApiToken(db, { name: request.body.name, role: request.body.role, hash: tokenHash(token), createdBy: request.principal.actor });
    request.log.info({ token: request.body.name, role: request.body.role, by: request.principal.actor }, 'token created');
    return reply.status(201).send({ name: request.body.name, role: request.body.role, token });
  });

  app.delete('/v1/tokens/:name', { schema: { params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: tokenName } } } }, async (request: FastifyRequest<{ Params: { name: string } }>) => {
    requireRole(request.principal, Role.Admin);
    if (!(await revokeApiToken(db, request.params.name, opts.ctx.now()))) throw new NetfleetError('NF_TOKEN_NOT_FOUND', `no active token named '${request.params.name}'; see token-list`, { name: request.params.name });
    request.log.info({ token: request.params.name, by: request.principal.actor }, 'token revoked');
    return { name: request.params.name, revoked: true };
  });
}
