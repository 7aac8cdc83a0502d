import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context';
import type { Principal } from './auth/authenticate';
import { installErrorHandler } from './http/error-handler';
import { networkRoutes } from './http/network-routes';

export interface AppOptions {
  ctx: ApiContext;
  authenticate: (authorization: string | undefined) => Principal;
}

/** Builds the HTTP app without listening (tests inject requests; api-server listens). */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.ctx.log.child({ component: 'http' }) as FastifyBaseLogger, bodyLimit: 2 * 1024 * 1024 });
  installErrorHandler(app);
  app.decorateRequest('principal', null as unknown as Principal);
  app.get('/healthz', async () => ({ ok: true }));
  app.addHook('onRequest', async (request) => {
    if (request.url === '/healthz') return;
    request.principal = options.authenticate(request.headers.authorization);
  });
  await app.register(networkRoutes, { ctx: options.ctx });
  return app;
}
