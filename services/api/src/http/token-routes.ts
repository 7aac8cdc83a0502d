import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { isUniqueViolation } from '@netfleet/eventstore/pg-error';
import type { ApiContext } from '../api-context';
import { newToken, requireRole, Role, ROLES, tokenHash } from '../auth/authenticate';
import { tokenName } from './schema-bounds';


/** API tokens (admin only). The token itself is returned once, at creation. */
export async function tokenRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { db } = opts.ctx;

  app.get('/v1/tokens', async (request) => {
    requireRole(request.principal, Role.Admin);
    const rows = await db.selectFrom('api_tokens').select(['name', 'role', 'created_by', 'created_at', 'revoked_at']).orderBy('name').execute();
    return { tokens: rows.map((r) => ({ name: r.name, role: r.role, createdBy: r.created_by, createdAt: r.created_at, revokedAt: r.revoked_at })) };
  });

  app.post('/v1/tokens', {
    schema: { body: { type: 'object', required: ['name', 'role'], additionalProperties: false, properties: { name: tokenName, role: { type: 'string', enum: [...ROLES] } } } },
  }, async (request: FastifyRequest<{ Body: { name: string; role: Role } }>, reply) => {
    requireRole(request.principal, Role.Admin);
    const token = newToken();
    try {
      await db.insertInto('api_tokens').values({ name: request.body.name, role: request.body.role, token_hash: tokenHash(token), created_by: request.principal.actor }).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new NetfleetError('NF_TOKEN_EXISTS', `a token named '${request.body.name}' already exists (names are never reused, even revoked ones); choose another name`, { name: request.body.name });
      throw e;
    }
    request.log.info({ token: request.body.name, role: request.body.role, by: request.principal.actor }, 'token created');
    return reply.status(201).send({ name: request.body.name, role: request.body.role, token });
  });

  app.delete('/v1/tokens/:name', { schema: { params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: tokenName } } } }, async (request: FastifyRequest<{ Params: { name: string } }>) => {
    requireRole(request.principal, Role.Admin);
    const result = await db.updateTable('api_tokens').set({ revoked_at: new Date() }).where('name', '=', request.params.name).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new NetfleetError('NF_TOKEN_NOT_FOUND', `no active token named '${request.params.name}'; see token-list`, { name: request.params.name });
    request.log.info({ token: request.params.name, by: request.principal.actor }, 'token revoked');
    return { name: request.params.name, revoked: true };
  });
}
