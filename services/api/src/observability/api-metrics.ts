import { connectionsByState, countHostsByLiveness, logHeadPosition, outboxBacklog } from '@netfleet/eventstore/store-gauges';
import { listHostViews } from '@netfleet/eventstore/views';
import { headPosition, listWebhooks } from '@netfleet/eventstore/webhooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context';
import { commandOutcome, commandVerb } from './command-verb';
import { checkReadiness } from './readiness';
import { watchApplyLatency } from './apply-latency';
import { RETRY_AFTER_SECONDS } from '../http/http-status';

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
      const position = await scrapeQuery(() => logHeadPosition(ctx.db));
      if (position !== undefined) this.set(position);
    },
  });
  new Gauge({
    name: 'netfleet_hosts', help: 'Registered hosts by liveness (online, offline)', labelNames: ['state'], registers: [registry],
    async collect() {
      const hosts = await scrapeQuery(() => countHostsByLiveness(ctx.db));
      if (!hosts) return;
      this.set({ state: 'online' }, hosts.online);
      this.set({ state: 'offline' }, hosts.offline);
    },
  });
  new Gauge({
    name: 'netfleet_webhook_lag', help: 'Log positions between the log\'s head and what each webhook delivered (0: caught up), with its status', labelNames: ['webhook', 'status'], registers: [registry],
    async collect() {
      const read = await scrapeQuery(async () => ({ webhooks: await listWebhooks(ctx.db), head: await headPosition(ctx.db) }));
      if (!read) return;
      this.reset();
      for (const w of read.webhooks) this.set({ webhook: w.id, status: w.status }, Math.max(0, read.head - w.deliveredPosition));
    },
  });
  const outboxAge = new Gauge({ name: 'netfleet_outbox_oldest_seconds', help: 'Age of the oldest host command not yet relayed to JetStream (0: none waiting)', registers: [registry] });
  new Gauge({
    name: 'netfleet_outbox_pending', help: 'Host commands recorded but not yet relayed to JetStream', registers: [registry],
    async collect() {
      const backlog = await scrapeQuery(() => outboxBacklog(ctx.db));
      if (!backlog) return;
      this.set(backlog.pending);
      outboxAge.set(backlog.oldestSeconds);
    },
  });
  new Gauge({
    name: 'netfleet_consumer_pending', help: 'Commands waiting in each host agent\'s JetStream consumer (not yet delivered, or delivered and not acked)', labelNames: ['host'], registers: [registry],
    async collect() {
      const hosts = await scrapeQuery(() => listHostViews(ctx.db));
      this.reset();
      for (const { name } of hosts ?? []) {
        const info = await ctx.jsm.consumers.info(ctx.names.commandStream, ctx.names.agentConsumer(name)).catch(() => undefined);
        if (info) this.set({ host: name }, info.num_pending + info.num_ack_pending);
      }
    },
  });
  new Gauge({
    name: 'netfleet_pg_connections', help: 'Connections to the event store\'s database by state (every API instance and tool together)', labelNames: ['state'], registers: [registry],
    async collect() {
      const connections = await scrapeQuery(() => connectionsByState(ctx.db));
      this.reset();
      for (const { state, count } of connections ?? []) this.set({ state }, count);
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
    if (!readiness.ready) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return readiness;
  });
}
