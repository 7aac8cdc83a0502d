import { randomBytes, randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { connectBus, deleteStreams } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { startApiServer } from '@netfleet/api/api-server';
import { appendToStream } from '@netfleet/eventstore/append';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase } from '../test/support/test-database';
import { NATS_URL } from '../test/support/test-fleet';
import { figure, machine, type BenchResult } from './support/report';
import { percentile } from './support/stats';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 1000);
const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 200);
const PACE_MS = Number(process.env['BENCH_PACE_MS'] ?? 25);
const NOTIFIES = 500;

const now = () => performance.timeOrigin + performance.now();

/**
 * CLIENTS concurrent SSE clients (a child process, raw HTTP over loopback) on one API (this process):
 *  - PostgreSQL connections the API holds (pg_stat_activity, application_name netfleet-*) with all of them open,
 *    beside the same API with one stream open;
 *  - delivery latency from the append call to receipt of the event at every client, beside a
 *    bare LISTEN/NOTIFY round trip (pg_notify on one connection → notification on another),
 *    measured in the same run on the same server.
 */
export async function run(log: (line: string) => void): Promise<BenchResult> {
  const database = await createTestDatabase({ migrate: false });
  const names = busNames(`nfb_${randomBytes(5).toString('hex')}`);
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const api = await startApiServer({
    databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
    tokens: [{ actor: 'bench', role: 'admin', token }], log: silentLogger(), liveness: false,
  });
  const admin = new pg.Client({ connectionString: database.url, application_name: 'bench-admin' });
  await admin.connect();
  const connections = async () => (await admin.query<{ application_name: string; n: number }>(
    `SELECT application_name, count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'netfleet-%' GROUP BY 1 ORDER BY 1`, [database.name])).rows;
  const total = (rows: { n: number }[]) => rows.reduce((s, r) => s + r.n, 0);
  const clients: { destroy(): void }[] = [];
  try {
    const append = () => appendToStream(database.db, { streamId: 'host:bench-hv', expectedVersion: 'any', events: [{
      eventId: randomUUID(), type: 'AgentStarted', v: 1, data: { host: 'bench-hv', agentVersion: '1' },
      metadata: { actor: 'host:bench-hv', source: 'host:bench-hv', correlationId: randomUUID(), occurredAt: new Date().toISOString() },
    }] });
    // Warm the API's pools the way the run will use them.
    for (let i = 0; i < 20; i++) await append();

    // One stream in this process (to count connections with one open), the rest in a child.
    const one = request(`${api.url}/v1/events/stream`, { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => res.resume());
    one.end();
    clients.push(one);
    await new Promise((r) => setTimeout(r, 500));
    const withOne = await connections();
    const child = fork(fileURLToPath(new URL('./support/sse-clients.ts', import.meta.url)), [`${api.url}/v1/events/stream`, token, String(CLIENTS)], { execArgv: ['--import', 'tsx'] });
    clients.push({ destroy: () => child.kill() });
    const messages: unknown[] = [];
    let onMessage = () => {};
    child.on('message', (m) => { messages.push(m); onMessage(); });
    const next = () => new Promise<unknown>((resolve) => { const take = () => { if (messages.length) resolve(messages.shift()); else onMessage = take; }; take(); });
    await next();
    await new Promise((r) => setTimeout(r, 500));
    log(`${CLIENTS} SSE clients open in a child process (the hub has ${api.ctx.eventStream.clientCount}, one of them here)`);

    const appendedAt = new Map<number, number>();
    const appendMs: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const t0 = now();
      const result = await append();
      const position = result.events[0]!.position;
      appendMs.push(now() - t0);
      appendedAt.set(position, t0);
      await new Promise((r) => setTimeout(r, PACE_MS));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const withAll = await connections();
    child.send('report');
    const receipts = new Map((await next() as { receipts: [number, number[]][] }).receipts);
    const latencies: number[] = [];
    let missing = 0;
    for (const [position, t0] of appendedAt) {
      const got = receipts.get(position) ?? [];
      missing += CLIENTS - got.length;
      for (const t of got) latencies.push(t - t0);
    }
    log(`connections with 1 stream: ${total(withOne)} (${withOne.map((r) => `${r.application_name} ${r.n}`).join(', ')}); with ${CLIENTS}: ${total(withAll)} (${withAll.map((r) => `${r.application_name} ${r.n}`).join(', ')})`);
    log(`deliveries: ${latencies.length} of ${EVENTS * CLIENTS} (${missing} missing)`);

    const notify = await notifyRoundTrip(database.url);
    log(`delivery p50 ${percentile(latencies, 50).toFixed(2)} ms p99 ${percentile(latencies, 99).toFixed(2)} ms; LISTEN/NOTIFY p50 ${percentile(notify, 50).toFixed(3)} ms p99 ${percentile(notify, 99).toFixed(3)} ms; append p50 ${percentile(appendMs, 50).toFixed(2)} ms`);

    const conn = figure({ name: `PostgreSQL connections, ${CLIENTS} streams`, unit: 'connections', value: total(withAll), baseline: total(withOne), baselineName: 'the same API with 1 stream', better: 'lower', goal: 'no growth (1.00×)' });
    const p50 = figure({ name: `delivery p50, append → ${CLIENTS} clients`, unit: 'ms', value: percentile(latencies, 50), baseline: percentile(notify, 50), baselineName: 'bare LISTEN/NOTIFY round trip', better: 'lower' });
    const p99 = figure({ name: `delivery p99, append → ${CLIENTS} clients`, unit: 'ms', value: percentile(latencies, 99), baseline: percentile(notify, 99), baselineName: 'bare LISTEN/NOTIFY round trip', better: 'lower' });
    const { rows: [pgVersion] } = await admin.query<{ server_version: string }>('SHOW server_version');
    return {
      bench: 'stream', at: new Date().toISOString(), machine: machine({ postgresql: pgVersion!.server_version }),
      figures: [{ ...conn, met: conn.value <= conn.baseline }, p50, p99],
      notes: [
        `${EVENTS} events appended one at a time, ${PACE_MS} ms apart, each received by all ${CLIENTS} clients (${missing} deliveries missing)`,
        `append latency alone (appendToStream returning): p50 ${percentile(appendMs, 50).toFixed(2)} ms; delivery includes it (measured from the append call)`,
        `connections by application_name with ${CLIENTS} streams: ${withAll.map((r) => `${r.application_name || '(none)'} ${r.n}`).join(', ')}`,
        'the clients run in a child process (Node, raw http, one event loop); the API in the bench\'s process',
      ],
    };
  } finally {
    for (const c of clients) c.destroy();
    await admin.end().catch(() => undefined);
    await api.close();
    await database.drop();
    const nc = await connectBus({ servers: NATS_URL, name: 'bench-cleanup' });
    await deleteStreams(await jetstreamManager(nc), names);
    await nc.close();
  }
}

/** pg_notify on one connection → the notification on another: the floor of any commit-to-listener path. */
async function notifyRoundTrip(url: string): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await Promise.all([listener.connect(), sender.connect()]);
  try {
    await listener.query('LISTEN bench_round_trip');
    const samples: number[] = [];
    for (let i = 0; i < NOTIFIES; i++) {
      const heard = new Promise<number>((resolve) => listener.once('notification', () => resolve(now())));
      const t0 = now();
      await sender.query("SELECT pg_notify('bench_round_trip', $1)", [String(i)]);
      samples.push((await heard) - t0);
      await new Promise((r) => setTimeout(r, 2));
    }
    return samples;
  } finally {
    await Promise.all([listener.end(), sender.end()]);
  }
}
