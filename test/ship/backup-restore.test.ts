import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import { buildApp } from '@netfleet/api/app';
import { PG_SERVER } from '../support/test-database';
import { testDatabaseName } from '../support/test-names';
import { startTestFleet, type TestFleet } from '../support/test-fleet';

/**
 * docs/operations.md's backup and restore, as written there: pg_dump of the event store,
 * pg_restore into a new database, the views emptied and rebuilt with `admin rebuild` — the
 * rebuilt views are those of the original.
 */
describe('backup and restore of the event store', () => {
  let fleet: TestFleet;
  let dir: string;
  let restoredName: string | undefined;
  let restored: Database | undefined;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${fleet.apiUrl}${path}`, { method, headers: { authorization: `Bearer ${fleet.token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect(r.ok, `${method} ${path}: ${r.status}`).toBe(true);
  };
  const views = async (db: Database) => ({
    networks: (await sql<{ name: string; doc: unknown }>`select name, doc from network_view order by name`.execute(db)).rows,
    hosts: (await sql<{ name: string; doc: unknown }>`select name, doc from host_view order by name`.execute(db)).rows,
    events: Number((await sql<{ n: number }>`select count(*)::int8 as n from events`.execute(db)).rows[0]!.n),
  });

  beforeAll(async () => {
    fleet = await startTestFleet({ hosts: ['hvb1', 'hvb2'] });
    dir = await mkdtemp(join(tmpdir(), 'nf-backup-'));
    const xml = (name: string, dp: string, id: string) => `<network type="ovs-datapath"><name>${name}</name><datapath name="${dp}" id="${id}"/></network>`;
    await call('POST', '/v1/networks', { xml: xml('kept', 'bk0', '00000000000000b1'), hosts: ['hvb1', 'hvb2'] });
    await call('POST', '/v1/networks/kept/start?wait=true&timeout=30');
    await call('POST', '/v1/networks', { xml: xml('stopped', 'bk1', '00000000000000b2'), hosts: ['hvb2'] });
    await call('POST', '/v1/networks/stopped/start?wait=true&timeout=30');
    await call('POST', '/v1/networks/stopped/destroy?wait=true&timeout=30');
  }, 120_000);

  afterAll(async () => {
    await restored?.destroy();
    if (restoredName) await dropDatabase(PG_SERVER, restoredName);
    await fleet?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pg_dump, pg_restore into a new database, admin rebuild: identical views', async () => {
    const dump = join(dir, 'netfleet.dump');
    await execa('pg_dump', ['--format=custom', '--no-owner', `--file=${dump}`, fleet.database.url]);
    restoredName = testDatabaseName();
    await createDatabaseIfMissing(PG_SERVER, restoredName);
    const restoredUrl = withDatabase(PG_SERVER, restoredName);
    await execa('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restoredUrl}`, dump]);
    restored = createDatabase(restoredUrl);

    const original = await views(fleet.database.db);
    expect(original.networks.map((n) => n.name)).toEqual(['kept', 'stopped']);
    expect(await views(restored)).toEqual(original);

    // The views are derived: empty them, then rebuild from the restored log through the API.
    await sql`delete from network_view`.execute(restored);
    await sql`delete from host_view`.execute(restored);
    expect((await views(restored)).networks).toEqual([]);
    const app = await buildApp({ ctx: { ...fleet.api.ctx, db: restored }, authenticate: async () => ({ actor: 'alice', role: 'admin' }) });
    try {
      const rebuild = await app.inject({ method: 'POST', url: '/v1/admin/rebuild', headers: { authorization: 'Bearer x' } });
      expect(rebuild.statusCode).toBe(200);
      expect(rebuild.json()).toMatchObject({ events: original.events, networks: 2, hosts: 2 });
    } finally {
      await app.close();
    }
    expect(await views(restored)).toEqual(original);
  });
});
