import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { deleteStreams, connectBus } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { startApiServer } from '@netfleet/api/api-server';
import { sealAuditChain } from '@netfleet/eventstore/audit-chain';
import { verifyAuditChain } from '@netfleet/eventstore/audit-verify';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { silentLogger } from '@netfleet/log/logger';
import { createTestDatabase } from '../test/support/test-database';
import { NATS_URL } from '../test/support/test-fleet';
import { rssMiB } from './support/proc-stats';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { seedEvents } from './support/seed-events';
import { timeOnce } from './support/stats';

/**
 * The audit log over EVENTS events seeded with INSERT … SELECT generate_series (as the eventstore
 * bench seeds):
 *  - seal (chain every event) and verify (recompute it) rates;
 *  - `netfleet audit export` (the real CLI, a child process writing to /dev/null) through the API
 *    (this process), jsonl and csv: rate, and peak RSS of the CLI and of this process (the API);
 *    beside `psql -c "COPY (SELECT …) TO STDOUT"` of the same rows to /dev/null in the same run.
 */
const EVENTS = Number(process.env['BENCH_AUDIT_EVENTS'] ?? 1_000_000);
const CLI = fileURLToPath(new URL('../services/cli/bin/netfleet.js', import.meta.url));

/** Runs a child with stdout to /dev/null, sampling its RSS and this process's; returns ms and peaks (MiB). */
async function measured(command: string, args: string[], env: Record<string, string>): Promise<{ ms: number; childPeak: number; selfPeak: number; selfBefore: number }> {
  const devNull = openSync('/dev/null', 'w');
  const selfBefore = process.memoryUsage().rss / 2 ** 20;
  let childPeak = 0;
  let selfPeak = selfBefore;
  const t0 = performance.now();
  try {
    const child = spawn(command, args, { stdio: ['ignore', devNull, 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const sampler = setInterval(() => {
      childPeak = Math.max(childPeak, rssMiB(child.pid!));
      selfPeak = Math.max(selfPeak, process.memoryUsage().rss / 2 ** 20);
    }, 50);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(sampler);
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`);
  } finally {
    closeSync(devNull);
  }
  return { ms: performance.now() - t0, childPeak, selfPeak, selfBefore };
}

export async function run(log: (line: string) => void): Promise<BenchResult> {
  const database = await createTestDatabase({ migrate: false });
  await migrateToLatest(database.db);
  const names = busNames(`nfb_${randomBytes(5).toString('hex')}`);
  const token = `bench-${randomBytes(12).toString('hex')}`;
  const raw = new pg.Client({ connectionString: database.url });
  await raw.connect();
  // Seeded before the API starts, so its sealer does not race the timed seal below.
  const seeded = await timeOnce(() => seedEvents(raw, EVENTS, 1000));
  const { rows: [count] } = await raw.query<{ n: number; server_version: string }>('SELECT count(*)::int AS n, current_setting(\'server_version\') AS server_version FROM events');
  log(`seeded ${count!.n} events in ${(seeded.ms / 1000).toFixed(1)} s`);
  const figures: Figure[] = [];
  const notes: string[] = [];

  const sealed = await timeOnce(() => sealAuditChain(database.db));
  const sealRate = sealed.value.sealed / (sealed.ms / 1000);
  const verified = await timeOnce(() => verifyAuditChain(database.db, { checkSignature: () => 'valid' }));
  if (!verified.value.ok) throw new Error(`the chain did not verify: ${verified.value.problems[0]?.message}`);
  const verifyRate = verified.value.checkedEvents / (verified.ms / 1000);
  log(`seal ${Math.round(sealRate)} events/s; verify ${Math.round(verifyRate)} events/s`);

  const api = await startApiServer({
    databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
    tokens: [{ actor: 'bench', role: 'viewer', token }], log: silentLogger(), liveness: false,
  });
  try {
    const copy = await measured('psql', ['--no-psqlrc', '--quiet', '-d', database.url, '-c',
      'COPY (SELECT position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at FROM events ORDER BY position) TO STDOUT'], {});
    const copyRate = count!.n / (copy.ms / 1000);
    log(`COPY TO STDOUT: ${Math.round(copyRate)} rows/s, psql peak RSS ${copy.childPeak.toFixed(0)} MiB`);
    figures.push({ ...figure({ name: `audit seal (${sealed.value.sealed.toLocaleString('en-US')} events)`, unit: 'events/s', value: sealRate, baseline: copyRate, baselineName: 'COPY (SELECT …) TO STDOUT, psql', better: 'higher' }) });
    figures.push({ ...figure({ name: `audit verify (${verified.value.checkedEvents.toLocaleString('en-US')} events)`, unit: 'events/s', value: verifyRate, baseline: copyRate, baselineName: 'COPY (SELECT …) TO STDOUT, psql', better: 'higher' }) });

    for (const format of ['jsonl', 'csv'] as const) {
      const exported = await measured(process.execPath, [CLI, 'audit', 'export', '--format', format], { NETFLEET_API: api.url, NETFLEET_TOKEN: token });
      const rate = count!.n / (exported.ms / 1000);
      log(`export ${format}: ${Math.round(rate)} events/s; CLI peak RSS ${exported.childPeak.toFixed(0)} MiB; API process ${exported.selfBefore.toFixed(0)} → peak ${exported.selfPeak.toFixed(0)} MiB`);
      figures.push(figure({ name: `audit export ${format} (${count!.n.toLocaleString('en-US')} events)`, unit: 'events/s', value: rate, baseline: copyRate, baselineName: 'COPY (SELECT …) TO STDOUT, psql', better: 'higher' }));
      figures.push(figure({ name: `audit export ${format}: CLI peak RSS`, unit: 'MiB', value: exported.childPeak, baseline: copy.childPeak, baselineName: 'psql peak RSS (COPY)', better: 'lower' }));
      figures.push(figure({ name: `audit export ${format}: API process peak RSS`, unit: 'MiB', value: exported.selfPeak, baseline: exported.selfBefore, baselineName: 'the same process before the export', better: 'lower' }));
    }
    notes.push(`seeding ${count!.n} events took ${(seeded.ms / 1000).toFixed(1)} s; seal ${(sealed.ms / 1000).toFixed(1)} s, verify ${(verified.ms / 1000).toFixed(1)} s, COPY ${(copy.ms / 1000).toFixed(1)} s`);
    return { bench: 'audit', at: new Date().toISOString(), machine: machine({ postgresql: count!.server_version }), figures, notes };
  } finally {
    await api.close();
    await raw.end();
    const nc = await connectBus({ servers: NATS_URL, name: 'bench-cleanup' });
    await deleteStreams(await jetstreamManager(nc), names);
    await nc.close();
    await database.drop();
  }
}
