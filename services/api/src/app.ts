import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiContext } from './api-context';
import type { Authenticator, Principal } from './auth/authenticate';
import './auth/request-principal';
import { eventLogRoutes } from './admin/event-log-plugin';
import { auditRoutes } from './audit/audit-routes';
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './http/error-handler';
import { installRequestGuards } from './http/request-guards';
import { installIfMatchGuard } from './http/if-match';
import { installIdempotency } from './http/idempotency';
import { networkRoutes } from './http/network-routes';
import { portRoutes } from './http/port-routes';
import { dryRunRoutes } from './http/plan-routes';
import { eventStreamRoutes } from './http/event-stream-routes';
import { hostRoutes } from './http/host-routes';
import { tokenRoutes } from './http/token-routes';
import { schemaRoutes } from './http/schema-routes';
import { webhookRoutes } from './webhooks/webhook-routes';
import { dashboardRoutes, isDashboardPath } from './http/dashboard-routes';
import { installObservability } from './observability/api-metrics';

export interface AppOptions {
  ctx: ApiContext;
  authenticate: Authenticator;
}

/** Builds the HTTP app without listening (tests inject requests; api-server listens). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.ctx.log.child({ component: 'http' }) as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024,
    // Above the longest name (64): a longer segment is refused by the route's schema (400), and
    // one past this by the router (414), both in the error contract.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors, clientErrorHandler,
  });
  installErrorHandler(app);
  installRequestGuards(app);
  installIfMatchGuard(app);
  // Bodies are JSON, or XML for a definition; fastify's default text/plain parser would hand a
  // string to routes that expect an object (answer 415 instead).
  app.removeContentTypeParser('text/plain');
  // The OpenAPI document is generated from the same JSON Schemas that validate each route.
  await app.register(swagger, {
    openapi: {
      info: { title: 'netfleet API', version: '1', description: 'Fleet-wide lifecycle of libvirt-style networks on Open vSwitch hosts' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  // A definition may also be sent as raw XML, with its placement in the query (?host=hv1&host=hv2).
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (request, body, done) => {
    const query = request.query as { host?: string | string[]; hosts?: string | string[] };
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    done(null, { xml: body, hosts: list(query.host), selectors: list(query.hosts) });
  });
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('tokenRevoked', null as unknown as AbortSignal);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz' || request.url === '/readyz' || request.url === '/metrics' || request.url === '/openapi.json' || isDashboardPath(request.url)) return;
    request.principal = await options.authenticate(request.headers.authorization);
    // A revoked token's long requests (event streams, --wait) end within a second, on every
    // instance. Configured tokens cannot be revoked: their signal never aborts.
    const revocation = new AbortController();
    request.tokenRevoked = revocation.signal;
    const token = request.principal.token;
    if (token === undefined) return;
    const unwatch = options.ctx.revocations.watch(token, () => revocation.abort(
      new NetfleetError('NF_AUTH_INVALID', { reason: `'${token}' was revoked while this request ran`, token })));
    reply.raw.once('close', unwatch);
  });
  installObservability(app, options.ctx);
  // Open event streams end first (with a reason event), or closing would wait for them.
  app.addHook('preClose', async () => { await options.ctx.eventStream.stop(); });
  installIdempotency(app, options.ctx.db);
  await app.register(networkRoutes, { ctx: options.ctx });
  await app.register(portRoutes, { ctx: options.ctx });
  await app.register(dryRunRoutes, { ctx: options.ctx });
  await app.register(tokenRoutes, { ctx: options.ctx });
  await app.register(hostRoutes, { ctx: options.ctx });
  await app.register(eventStreamRoutes, { ctx: options.ctx });
  await app.register(schemaRoutes, { ctx: options.ctx });
  await app.register(webhookRoutes, { ctx: options.ctx });
  await app.register(eventLogRoutes, { ctx: options.ctx });
  await app.register(auditRoutes, { ctx: options.ctx });
  await app.register(dashboardRoutes, { ctx: options.ctx });
  return app;
}
