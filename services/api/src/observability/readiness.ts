import { pingStore } from '@netfleet/eventstore/store-gauges';
import type { ApiContext } from '../api-context';

export interface DependencyCheck { ok: boolean; detail: string }
export interface Readiness { ready: boolean; checks: { postgres: DependencyCheck; nats: DependencyCheck }; missing: string[] }

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** Whether the API can serve: PostgreSQL answers a query, NATS (with JetStream) answers a round trip. */
export async function checkReadiness(ctx: ApiContext, timeoutMs = 2000): Promise<Readiness> {
  const [postgres, nats] = await Promise.all([
    withTimeout(pingStore(ctx.db), timeoutMs, 'PostgreSQL')
      .then(() => ({ ok: true, detail: 'answers' }), (e: Error) => ({ ok: false, detail: `PostgreSQL: ${e.message}` })),
    (ctx.nc.isClosed() ? Promise.reject(new Error('the connection is closed'))
      : withTimeout(ctx.jsm.getAccountInfo(), timeoutMs, 'NATS JetStream'))
      .then(() => ({ ok: true, detail: `connected to ${ctx.nc.getServer()}` }), (e: Error) => ({ ok: false, detail: `NATS: ${e.message}` })),
  ]);
  const missing = [...(postgres.ok ? [] : ['postgres']), ...(nats.ok ? [] : ['nats'])];
  return { ready: missing.length === 0, checks: { postgres, nats }, missing };
}
