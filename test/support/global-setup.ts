import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '@netfleet/bus/nats';
import { dropDatabase } from '@netfleet/eventstore/database-admin';
import { createTemplateDatabase } from './template-database';
import { createdAt, LEGACY } from './test-names';
import { NATS_URL, PG_SERVER } from './test-servers';

/** Anything a test made more than this long ago belongs to a run that crashed. */
const STALE_MS = 2 * 60 * 60 * 1000;
const isStale = (at: number | undefined) => at !== undefined && Date.now() - at > STALE_MS;

/**
 * Once per run, before the integration tests: remove what earlier, crashed runs left behind
 * (tests remove their own; this catches a run killed midway), then migrate the run's template
 * database, which every test database is copied from; dropped again after the run. Recent
 * leftovers may belong to a run going on beside this one, so they are left alone.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await Promise.all([removeStaleDatabases(), removeStaleStreams(), removeStaleDirs()]);
  const template = await createTemplateDatabase();
  project.provide('pgTemplate', template);
  return () => dropDatabase(PG_SERVER, template);
}

/** Test, template and bench databases; the bench's older names by the database's own birth (its PG_VERSION file). */
async function removeStaleDatabases(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_SERVER });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string; born: Date | null }>(
      `SELECT datname, (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification AS born FROM pg_database
        WHERE datname LIKE 'nf\\_test\\_%' OR datname LIKE 'nf\\_tpl\\_%' OR datname LIKE 'nfb\\_%' OR datname LIKE 'nf\\_bench\\_%'`);
    for (const { datname, born } of rows) {
      const at = createdAt(datname) ?? (LEGACY.database.test(datname) ? born?.getTime() : undefined);
      if (isStale(at)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Streams of test and bench namespaces — their consumers go with them — and KV buckets or
 * object stores named after one (KV_<NS>_…): by the name's time, or older names by the stream's.
 */
async function removeStaleStreams(): Promise<void> {
  const nc = await connectBus({ servers: NATS_URL, name: 'test-global-setup' });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) {
      const name = info.config.name;
      const at = createdAt(name) ?? (LEGACY.stream.test(name) ? Date.parse(info.created) : undefined);
      if (isStale(at)) await jsm.streams.delete(name).catch(() => undefined);
    }
  } finally {
    await nc.close();
  }
}

/** A pid file whose process is still running: a sandbox of a run that is not over. */
async function holdsLiveProcess(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries.filter((e) => e.endsWith('.pid'))) {
    const pid = Number((await readFile(join(dir, entry), 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try { process.kill(pid, 0); return true; } catch { /* gone */ }
  }
  return false;
}

/** Test directories in the temp dir (OVS sandboxes, controllers, nats-servers, browsers, files). */
async function removeStaleDirs(): Promise<void> {
  const root = tmpdir();
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    const stamped = entry.startsWith('nft_') ? createdAt(entry) : undefined;
    if (stamped === undefined && !LEGACY.dir.test(entry)) continue;
    const path = join(root, entry);
    const at = stamped ?? (await stat(path).catch(() => undefined))?.mtimeMs;
    if (!isStale(at) || (await holdsLiveProcess(path))) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
  }
}
