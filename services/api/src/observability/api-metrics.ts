import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context';
import { commandOutcome, commandVerb } from './command-verb';
import { checkReadiness } from './readiness';
import { watchApplyLatency } from './apply-latency';

/**
 * /metrics (Prometheus text), /readyz and the hooks that feed them, on the API's root instance.
 * Counters move with requests and bus traffic seen by this instance; gauges about the fleet
 * (hosts, outbox, consumers, the log) are read when scraped, so every instance reports the same.
 */
export function installObservability(app: FastifyInstance, ctx: ApiContext): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'netfleet_api_' });
  const commands = new Counter({ name: 'netfleet_commands_total', help: 'State-changing API requests by CLI verb and outcome (ok, refused = 4xx, error = 5xx)', labelNames: ['verb', 'outcome'], registers: [registry] });
  const sseClients = new Gauge({ name: 'netfleet_sse_clients', help: 'Open /v1/events/stream connections on this instance', registers: [registry] });
  const applySeconds = new Histogram({
    name: 'netfleet_apply_seconds', help: 'From a host command on the bus to that host\'s outcome, seen by this API (host clock skew does not count)',
    labelNames: ['host', 'outcome'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const drift = new Counter({ name: 'netfleet_drift_total', help: 'Drift the agents found, by host and whether they repaired it', labelNames: ['host', 'repaired'], registers: [registry] });
  const scrapeQuery = async <T>(query: () => Promise<T>): Promise<T | undefined> => query().catch((e: Error) => { ctx.log.warn({ err: e }, 'a metric could not be read'); return undefined; });

  new Gauge({
    name: 'netfleet_events_appended', help: 'Events in the log (its global position); rate() of it is events appended per second', registers: [registry],
    async collect() {
      const r = await scrapeQuery(() => sql<{ position: number | null }>`select max(position)::int8 as position from events`.execute(ctx.db));
      if (r) this.set(r.rows[0]?.position ?? 0);
    },
  });
  new Gauge({
    name: 'netfleet_hosts', help: 'Registered hosts by liveness (online, offline)', labelNames: ['state'], registers: [registry],
    async collect() {
      const r = await scrapeQuery(() => sql<{ online: boolean; n: number }>`select coalesce((doc->>'online')::boolean, false) as online, count(*)::int8 as n from host_view group by 1`.execute(ctx.db));
      if (!r) return;
      this.set({ state: 'online' }, r.rows.find((x) => x.online)?.n ?? 0);
      this.set({ state: 'offline' }, r.rows.find((x) => !x.online)?.n ?? 0);
    },
  });
  const outboxAge = new Gauge({ name: 'netfleet_outbox_oldest_seconds', help: 'Age of the oldest host command not yet relayed to JetStream (0: none waiting)', registers: [registry] });
  new Gauge({
    name: 'netfleet_outbox_pending', help: 'Host commands recorded but not yet relayed to JetStream', registers: [registry],
    async collect() {
      const r = await scrapeQuery(() => sql<{ n: number; age: number | null }>`select count(*)::int8 as n, extract(epoch from clock_timestamp() - min(created_at))::float8 as age from outbox where published_at is null`.execute(ctx.db));
      if (!r) return;
      this.set(r.rows[0]?.n ?? 0);
      outboxAge.set(r.rows[0]?.age ?? 0);
    },
  });
  new Gauge({
    name: 'netfleet_consumer_pending', help: 'Commands waiting in each host agent\'s JetStream consumer (not yet delivered, or delivered and not acked)', labelNames: ['host'], registers: [registry],
    async collect() {
      const r = await scrapeQuery(() => sql<{ name: string }>`select name from host_view`.execute(ctx.db));
      this.reset();
      for (const { name } of r?.rows ?? []) {
        const info = await ctx.jsm.consumers.info(ctx.names.commandStream, ctx.names.agentConsumer(name)).catch(() => undefined);
        if (info) this.set({ host: name }, info.num_pending + info.num_ack_pending);
      }
    },
  });
  new Gauge({
    name: 'netfleet_pg_connections', help: 'Connections to the event store\'s database by state (every API instance and tool together)', labelNames: ['state'], registers: [registry],
    async collect() {
      const r = await scrapeQuery(() => sql<{ state: string | null; n: number }>`select state, count(*)::int8 as n from pg_stat_activity where datname = current_database() group by state`.execute(ctx.db));
      this.reset();
      for (const row of r?.rows ?? []) this.set({ state: row.state ?? 'unknown' }, row.n);
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !request.url.startsWith('/v1/events/stream')) return;
    sseClients.inc();
    reply.raw.once('close', () => sseClients.dec());
  });
  app.addHook('onResponse', async (request, reply) => {
    const verb = commandVerb(request.method, request.routeOptions.url);
    if (verb) commands.inc({ verb, outcome: commandOutcome(reply.statusCode) });
  });
  const latency = watchApplyLatency(ctx, {
    outcome: (host, outcome, seconds) => applySeconds.observe({ host, outcome }, seconds),
    drift: (host, repaired) => drift.inc({ host, repaired: String(repaired) }),
  });
  app.addHook('onClose', async () => { latency.stop(); });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await checkReadiness(ctx);
    reply.code(readiness.ready ? 200 : 503);
    return readiness;
  });
}
