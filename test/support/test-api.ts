import { randomBytes } from 'node:crypto';
import { startApiServer, type ApiServer, type ApiServerConfig } from '@netfleet/api/api-server';
import type { BusNames } from '@netfleet/bus/names';
import { silentLogger, type Logger } from '@netfleet/log/logger';
import { NATS_URL } from './test-servers';
import type { TestDatabase } from './test-database';

type Role = 'viewer' | 'operator' | 'admin';

export interface TestApiOptions {
  /** Static tokens by actor name; default `{ alice: 'admin' }`. Each gets a random token. */
  actors?: Record<string, Role>;
  log?: Logger;
  liveness?: ApiServerConfig['liveness'];
  /** A nats-server of the test's own (one it stops and starts); default the shared one. */
  natsUrl?: string;
  /** The upcasters events leave through (a test-only version bump). */
  upcasters?: ApiServerConfig['upcasters'];
  /** Webhook delivery tuning (short retries for tests). */
  webhooks?: ApiServerConfig['webhooks'];
}

export interface HttpAnswer<T> { status: number; body: T; headers: Record<string, string | string[] | number | undefined> }
export interface HttpOptions { body?: unknown; token?: string; headers?: Record<string, string> }

export interface TestApi {
  server: ApiServer;
  /** Where it listens (for the CLI, fetch, a browser). */
  url: string;
  /** The first actor's token (alice, admin, unless `actors` says otherwise). */
  token: string;
  /** Every actor's token. */
  tokens: Record<string, string>;
  /** A request through fastify's `inject` (no socket), as the first actor unless `token`. */
  http<T = Record<string, unknown>>(method: string, path: string, options?: HttpOptions): Promise<HttpAnswer<T>>;
  close(): Promise<void>;
}

/** The real API (migrating, on the bus, its loops running) on a database and namespace of the test's own. */
export async function startTestApi(database: Pick<TestDatabase, 'url'>, names: BusNames, options: TestApiOptions = {}): Promise<TestApi> {
  const actors = Object.entries(options.actors ?? { alice: 'admin' as const });
  const tokens = Object.fromEntries(actors.map(([actor]) => [actor, `test-${randomBytes(12).toString('hex')}`]));
  const server = await startApiServer({
    databaseUrl: database.url, natsUrl: options.natsUrl ?? NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
    tokens: actors.map(([actor, role]) => ({ actor, role, token: tokens[actor]! })), log: options.log ?? silentLogger(),
    ...(options.liveness !== undefined ? { liveness: options.liveness } : {}),
    ...(options.upcasters !== undefined ? { upcasters: options.upcasters } : {}),
    ...(options.webhooks !== undefined ? { webhooks: options.webhooks } : {}),
  });
  const token = actors.length > 0 ? tokens[actors[0]![0]]! : '';
  return {
    server, url: server.url, token, tokens,
    async http<T>(method: string, path: string, request: HttpOptions = {}) {
      const response = await server.app.inject({
        method: method as 'GET', url: path,
        headers: {
          ...(request.token ?? token ? { authorization: `Bearer ${request.token ?? token}` } : {}),
          ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        },
        ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
      });
      return { status: response.statusCode, body: (response.body ? response.json() : undefined) as T, headers: response.headers };
    },
    close: () => server.close(),
  };
}

