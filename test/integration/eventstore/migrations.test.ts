import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '@netfleet/eventstore/database';
import { MIGRATIONS_DIR, migrateToLatest } from '@netfleet/eventstore/migrate';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeTestDir } from '../../support/test-names';

const applied = async (t: TestDatabase) =>
  (await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(t.db)).rows.map((r) => r.name);
const tableExists = async (t: TestDatabase, table: string) =>
  (await sql<{ ok: boolean }>`SELECT to_regclass(${table}) IS NOT NULL AS ok`.execute(t.db)).rows[0]!.ok;

describe('migrations', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });
  // Empty databases (not the run's template): these tests are about migrating.
  const fresh = async () => { const t = await createTestDatabase({ migrate: false }); cleanups.push(() => t.drop()); return t; };

  it('applies each migration once, in order, however often it runs', async () => {
    const t = await fresh();
    const first = await migrateToLatest(t.db);
    expect(first.map((r) => r.migrationName)).toEqual([...first.map((r) => r.migrationName)].sort());
    expect(first.every((r) => r.status === 'Success')).toBe(true);
    expect(first[0]!.migrationName).toBe('0001_event_store');
    expect(await migrateToLatest(t.db)).toEqual([]);
    expect(await applied(t)).toEqual(first.map((r) => r.migrationName));
  });

  it('applies once when several instances migrate at the same moment', async () => {
    const t = await fresh();
    const instances = [0, 1, 2, 3].map(() => createDatabase(t.url, { max: 2 }));
    cleanups.push(() => Promise.all(instances.map((db) => db.destroy())));
    const results = await Promise.all(instances.map((db) => migrateToLatest(db)));
    const runs = results.flat();
    const names = await applied(t);
    // Every migration ran in exactly one instance; the others found nothing left to do.
    expect(runs.map((r) => r.migrationName).sort()).toEqual(names);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
  });

  it('leaves nothing half-applied when a migration fails', async () => {
    const t = await fresh();
    const dir = await makeTestDir('migrations');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const before = await migrateToLatest(t.db, dir);
    await writeFile(join(dir, '9998_good.sql'), 'CREATE TABLE nf_good (id int);\n');
    await writeFile(join(dir, '9999_broken.sql'), 'CREATE TABLE nf_half (id int);\nINSERT INTO nf_half VALUES (1);\nSELECT no_such_function();\n');

    await expect(migrateToLatest(t.db, dir)).rejects.toMatchObject({ code: 'NF_STORE_MIGRATION_FAILED', message: expect.stringContaining('9999_broken') });
    expect(await tableExists(t, 'nf_half')).toBe(false);
    // Pending migrations go in together: the good one before the broken one is rolled back too.
    expect(await tableExists(t, 'nf_good')).toBe(false);
    expect(await applied(t)).toEqual(before.map((r) => r.migrationName));

    await writeFile(join(dir, '9999_broken.sql'), 'CREATE TABLE nf_half (id int);\n');
    expect((await migrateToLatest(t.db, dir)).map((r) => r.migrationName)).toEqual(['9998_good', '9999_broken']);
    expect(await tableExists(t, 'nf_half')).toBe(true);
  });
});
