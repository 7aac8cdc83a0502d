import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { appendToStream } from '@netfleet/eventstore/append';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { rebuildViews } from '@netfleet/eventstore/rebuild';
import { sealAuditChain } from '@netfleet/eventstore/audit-chain';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { percentile, timeEach, timeOnce } from './support/stats';
import { seedEvents } from './support/seed-events';
import { benchName } from '../test/support/test-names';

/**
 * The event store against raw PostgreSQL doing the same work in the same run:
 *  - single-event append latency vs a prepared expected-version INSERT of the same row;
 *  - batched append throughput vs a prepared multi-row INSERT of the same rows;
 *  - full rebuild of the views over 1,000,000 events vs a plain ordered SELECT of the same rows.
 * It makes its own database and drops it.
 */
const SERVER = process.env['NETFLEET_PG_URL'] ? withDatabase(process.env['NETFLEET_PG_URL'], 'postgres') : 'postgres://postgres@127.0.0.1:5432/postgres';
const SINGLE = Number(process.env['BENCH_SINGLE'] ?? 3000);
const WARMUP = 300;
const BATCH = 1000;
const BATCHES = Number(process.env['BENCH_BATCHES'] ?? 40);
const REBUILD_EVENTS = Number(process.env['BENCH_REBUILD_EVENTS'] ?? 1_000_000);
const NETWORKS = 1000;

const meta = () => ({ actor: 'bench', source: 'api' as const, correlationId: randomUUID(), occurredAt: new Date().toISOString() });
const autostart = (name: string, on: boolean): NewEvent => ({ eventId: randomUUID(), type: 'NetworkAutostartChanged', v: 1, data: { name, autostart: on }, metadata: meta() });
const agentStarted = (host: string, i: number): NewEvent => ({ eventId: randomUUID(), type: 'AgentStarted', v: 1, data: { host, agentVersion: `1.0.${i}` }, metadata: { ...meta(), actor: `host:${host}`, source: `host:${host}` } });

export async function run(log: (line: string) => void): Promise<BenchResult> {
  const name = benchName();
  await createDatabaseIfMissing(SERVER, name);
  const url = withDatabase(SERVER, name);
  const db = createDatabase(url, { max: 2 });
  const raw = new pg.Client({ connectionString: url });
  try {
    await migrateToLatest(db);
    await raw.connect();
    // The raw side writes an identical table (same columns, defaults and indexes, no trigger).
    await raw.query('CREATE TABLE events_raw (LIKE events INCLUDING ALL)');
    const { rows: [pgVersion] } = await raw.query<{ server_version: string }>('SHOW server_version');
    const figures: Figure[] = [];
    const notes: string[] = [];

    // The API's audit sealer chains committed events every second; it runs here as it would there.
    const sealer = setInterval(() => void sealAuditChain(db).catch(() => undefined), 1000);
    try {
      figures.push(...await singleAppend(db, raw, log));
      figures.push(await batchedAppend(db, raw, log));
    } finally {
      clearInterval(sealer);
    }
    const rawInsertRate = figures.at(-1)!.baseline;
    const rebuild = await rebuildFigure(db, raw, log);
    figures.push(rebuild.figure);
    notes.push(...rebuild.notes);
    figures.push(await sealFigure(db, rawInsertRate, log));
    return { bench: 'eventstore', at: new Date().toISOString(), machine: machine({ postgresql: pgVersion!.server_version }), figures, notes };
  } finally {
    await raw.end().catch(() => undefined);
    await db.destroy();
    await dropDatabase(SERVER, name);
  }
}

/** One event per call, one caller: a command on an existing network (its view is read, folded, written). */
async function singleAppend(db: Database, raw: pg.Client, log: (line: string) => void): Promise<Figure[]> {
  const names = Array.from({ length: 100 }, (_, i) => `single-${i}`);
  const versions = new Map<string, number>();
  for (const n of names) {
    await appendToStream(db, { streamId: `network:${n}`, expectedVersion: 0, events: [{ eventId: randomUUID(), type: 'NetworkDefined', v: 1, metadata: meta(), data: { name: n, uuid: randomUUID(), networkType: 'ovs-datapath', xml: `<network><name>${n}</name></network>`, hosts: ['hv1'] } }] });
    versions.set(n, 1);
  }
  const ours = async (i: number) => {
    const n = names[i % names.length]!;
    const v = versions.get(n)!;
    await appendToStream(db, { streamId: `network:${n}`, expectedVersion: v, events: [autostart(n, i % 2 === 0)] });
    versions.set(n, v + 1);
  };
  const rawVersions = new Map<string, number>();
  const insert = {
    name: 'raw-expected-version-insert',
    text: `INSERT INTO events_raw (event_id, stream_id, stream_version, type, schema_version, data, metadata)
           SELECT $1, $2, $3, $4, $5, $6, $7
           WHERE (SELECT coalesce(max(stream_version), 0) FROM events_raw WHERE stream_id = $2) = $3 - 1`,
  };
  const theirs = async (i: number) => {
    const n = names[i % names.length]!;
    const v = (rawVersions.get(n) ?? 0) + 1;
    const e = autostart(n, i % 2 === 0);
    const r = await raw.query({ ...insert, values: [e.eventId, `network:${n}`, v, e.type, e.v, JSON.stringify(e.data), JSON.stringify(e.metadata)] });
    if (r.rowCount !== 1) throw new Error('raw insert conflicted');
    rawVersions.set(n, v);
  };
  await timeEach(WARMUP, ours);
  await timeEach(WARMUP, (i) => theirs(i + SINGLE * 10));
  // Interleaved rounds, so both sides see the same machine (other engineers share it).
  const oursMs: number[] = [];
  const theirsMs: number[] = [];
  for (let round = 0; round < 10; round++) {
    oursMs.push(...await timeEach(SINGLE / 10, (i) => ours(WARMUP + round * SINGLE + i)));
    theirsMs.push(...await timeEach(SINGLE / 10, (i) => theirs(round * SINGLE + i)));
  }
  log(`single append: ours p50 ${percentile(oursMs, 50).toFixed(3)} ms p99 ${percentile(oursMs, 99).toFixed(3)} ms; raw p50 ${percentile(theirsMs, 50).toFixed(3)} ms p99 ${percentile(theirsMs, 99).toFixed(3)} ms`);
  const p50 = figure({ name: 'single append p50', unit: 'ms', value: percentile(oursMs, 50), baseline: percentile(theirsMs, 50), baselineName: 'prepared expected-version INSERT', better: 'lower', goal: '≤ 1.5×' });
  const p99 = figure({ name: 'single append p99', unit: 'ms', value: percentile(oursMs, 99), baseline: percentile(theirsMs, 99), baselineName: 'prepared expected-version INSERT', better: 'lower' });
  return [{ ...p50, met: p50.ratio <= 1.5 }, p99];
}

/** BATCH events per append (an agent's burst of reports), one stream each. */
async function batchedAppend(db: Database, raw: pg.Client, log: (line: string) => void): Promise<Figure> {
  const batches = (prefix: string) => Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, i) => agentStarted(`${prefix}-${b}`, i)));
  const ourBatches = batches('batch');
  const rawBatches = batches('raw');
  const insert = {
    name: 'raw-batch-insert',
    text: `INSERT INTO events_raw (event_id, stream_id, stream_version, type, schema_version, data, metadata)
           SELECT e.event_id, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata
           FROM jsonb_to_recordset($1::jsonb) AS e(event_id uuid, stream_id text, stream_version int, type text, schema_version smallint, data jsonb, metadata jsonb)`,
  };
  const rawRows = (batch: NewEvent[], b: number) => JSON.stringify(batch.map((e, i) => ({ event_id: e.eventId, stream_id: `host:raw-${b}`, stream_version: i + 1, type: e.type, schema_version: e.v, data: e.data, metadata: e.metadata })));
  await appendToStream(db, { streamId: 'host:warm', expectedVersion: 0, events: batches('warm')[0]! });
  await raw.query({ ...insert, values: [rawRows(batches('rawwarm')[0]!, -1)] });
  let oursMs = 0;
  let theirsMs = 0;
  for (let b = 0; b < BATCHES; b++) {
    oursMs += (await timeOnce(() => appendToStream(db, { streamId: `host:batch-${b}`, expectedVersion: 0, events: ourBatches[b]! }))).ms;
    theirsMs += (await timeOnce(() => raw.query({ ...insert, values: [rawRows(rawBatches[b]!, b)] }))).ms;
  }
  const ours = (BATCH * BATCHES) / (oursMs / 1000);
  const theirs = (BATCH * BATCHES) / (theirsMs / 1000);
  log(`batched append (${BATCHES} × ${BATCH} events): ours ${Math.round(ours)} events/s, raw ${Math.round(theirs)} events/s`);
  const f = figure({ name: `batched append (${BATCH}/batch)`, unit: 'events/s', value: ours, baseline: theirs, baselineName: 'prepared multi-row INSERT', better: 'higher', goal: '≥ 0.5×' });
  return { ...f, met: f.ratio >= 0.5 };
}

async function rebuildFigure(db: Database, raw: pg.Client, log: (line: string) => void): Promise<{ figure: Figure; notes: string[] }> {
  await raw.query('TRUNCATE events_raw');
  const seeded = await timeOnce(() => seedEvents(raw, REBUILD_EVENTS, NETWORKS));
  const { rows: [count] } = await raw.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
  log(`seeded ${count!.n} events in ${(seeded.ms / 1000).toFixed(1)} s`);

  // Raw: the same rows, in the same order, in pages of the same size, with no decoding beyond pg's own.
  const plainSelect = async () => {
    let after = 0;
    let rows = 0;
    for (;;) {
      const page = await raw.query({ name: 'raw-page', text: 'SELECT * FROM events WHERE position > $1 ORDER BY position LIMIT 5000', values: [after] });
      if (page.rows.length === 0) return rows;
      rows += page.rows.length;
      after = Number(page.rows.at(-1)!.position);
    }
  };
  const theirs = await timeOnce(plainSelect);
  const ours = await timeOnce(() => rebuildViews(db));
  const theirs2 = await timeOnce(plainSelect);
  const ours2 = await timeOnce(() => rebuildViews(db));
  const oursRate = Math.max(ours.value.events / (ours.ms / 1000), ours2.value.events / (ours2.ms / 1000));
  const theirsRate = Math.max(theirs.value / (theirs.ms / 1000), theirs2.value / (theirs2.ms / 1000));
  log(`rebuild: ${ours.value.events} events → ${ours.value.networks} networks, ${ours.value.hosts} hosts; ours ${Math.round(oursRate)} events/s, plain SELECT ${Math.round(theirsRate)} rows/s`);
  const f = figure({ name: `full rebuild (${ours.value.events.toLocaleString('en-US')} events)`, unit: 'events/s', value: oursRate, baseline: theirsRate, baselineName: 'plain ordered SELECT, same pages', better: 'higher', goal: '≥ 100,000/s' });
  return { figure: { ...f, met: oursRate >= 100_000 }, notes: [`rebuild of ${ours.value.events} events took ${(Math.min(ours.ms, ours2.ms) / 1000).toFixed(1)} s (best of 2); seeding took ${(seeded.ms / 1000).toFixed(1)} s`] };
}

/**
 * The audit chain over everything seeded (unsealed: the seed bypasses the API), beside the raw
 * batched INSERT rate measured above: a sealer at least that fast never falls behind the store.
 */
async function sealFigure(db: Database, rawInsertRate: number, log: (line: string) => void): Promise<Figure> {
  const sealed = await timeOnce(() => sealAuditChain(db));
  const rate = sealed.value.sealed / (sealed.ms / 1000);
  log(`audit seal: ${sealed.value.sealed} events in ${(sealed.ms / 1000).toFixed(1)} s, ${Math.round(rate)} events/s`);
  const f = figure({ name: `audit chain seal (${sealed.value.sealed.toLocaleString('en-US')} events)`, unit: 'events/s', value: rate, baseline: rawInsertRate, baselineName: 'raw batched INSERT rate (above)', better: 'higher', goal: '≥ 1× (keeps up)' });
  return { ...f, met: f.ratio >= 1 };
}
