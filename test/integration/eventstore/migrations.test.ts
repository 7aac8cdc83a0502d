import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '@netfleet/eventstore/database';
import { MIGRATIONS_DIR, SCHEMA_DEFINITIONS, migrateToLatest } from '@netfleet/eventstore/migrate';
import type { SchemaDefinition } from '@netfleet/eventstore/schema-definitions';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { makeTestDir } from '../../support/test-names';

const definitions = async (t: TestDatabase) =>
  (await sql<{ name: string; revision: number }>`SELECT name, revision FROM schema_definitions ORDER BY name`.execute(t.db)).rows;
/** What the database has applied, as migrateToLatest names it: migrations, then definitions. */
const applied = async (t: TestDatabase) => [
  ...(await sql<{ name: string }>`SELECT name FROM schema_migrations ORDER BY name`.execute(t.db)).rows.map((r) => r.name),
  ...(await definitions(t)).map((d) => `${d.name} (definition, revision ${d.revision})`),
];
const answerOf = async (t: TestDatabase) =>
  (await sql<{ answer: number }>`SELECT nf_test_answer() AS answer`.execute(t.db)).rows[0]!.answer;
const answering = (revision: number, answer: number): SchemaDefinition =>
  ({ name: 'nf_test_answer', revision, sql: `CREATE OR REPLACE FUNCTION nf_test_answer() RETURNS integer LANGUAGE sql AS 'SELECT ${answer}';` });
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
    const names = (await applied(t)).sort();
    // Every migration and definition ran in exactly one instance; the others found nothing left to do.
    expect(runs.map((r) => r.migrationName).sort()).toEqual(names);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
  });

  it('leaves nothing half-applied when a migration fails', async () => {
    const t = await fresh();
    const dir = await makeTestDir('migrations');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const before = await migrateToLatest(t.db, { dir });
    await writeFile(join(dir, '9998_good.sql'), 'CREATE TABLE nf_good (id int);\n');
    await writeFile(join(dir, '9999_broken.sql'), 'CREATE TABLE nf_half (id int);\nINSERT INTO nf_half VALUES (1);\nSELECT no_such_function();\n');

    await expect(migrateToLatest(t.db, { dir })).rejects.toMatchObject({ code: 'NF_STORE_MIGRATION_FAILED', message: expect.stringContaining('9999_broken') });
    expect(await tableExists(t, 'nf_half')).toBe(false);
    // Pending migrations go in together: the good one before the broken one is rolled back too.
    expect(await tableExists(t, 'nf_good')).toBe(false);
    expect(await applied(t)).toEqual(before.map((r) => r.migrationName));

    await writeFile(join(dir, '9999_broken.sql'), 'CREATE TABLE nf_half (id int);\n');
    expect((await migrateToLatest(t.db, { dir })).map((r) => r.migrationName)).toEqual(['9998_good', '9999_broken']);
    expect(await tableExists(t, 'nf_half')).toBe(true);
  });

  it('applies the schema definitions after the migrations, each revision once', async () => {
    const t = await fresh();
    const first = await migrateToLatest(t.db);
    expect(first.slice(-SCHEMA_DEFINITIONS.length).map((r) => r.migrationName)).toEqual(SCHEMA_DEFINITIONS.map((d) => `${d.name} (definition, revision ${d.revision})`));
    expect(await definitions(t)).toEqual(SCHEMA_DEFINITIONS.map((d) => ({ name: d.name, revision: d.revision })).sort((a, b) => a.name.localeCompare(b.name)));
    // The append function the store calls is the definition's text.
    const { rows } = await sql<{ body: string }>`SELECT prosrc AS body FROM pg_proc WHERE proname = 'netfleet_append'`.execute(t.db);
    expect(rows).toHaveLength(1);
    expect(SCHEMA_DEFINITIONS.find((d) => d.name === 'netfleet_append')!.sql).toContain(rows[0]!.body);
  });

  it('applies a newer revision, keeps a newer one from an older instance, and refuses a text changed without a new revision', async () => {
    const t = await fresh();
    await migrateToLatest(t.db, { definitions: [answering(1, 1)] });
    expect(await answerOf(t)).toBe(1);
    expect(await migrateToLatest(t.db, { definitions: [answering(1, 1)] })).toEqual([]);

    expect((await migrateToLatest(t.db, { definitions: [answering(2, 2)] })).map((r) => r.migrationName)).toEqual(['nf_test_answer (definition, revision 2)']);
    expect(await answerOf(t)).toBe(2);
    // An instance of a rolling deploy still on revision 1 leaves revision 2 in place.
    expect(await migrateToLatest(t.db, { definitions: [answering(1, 1)] })).toEqual([]);
    expect(await answerOf(t)).toBe(2);

    // Revision 2 with another text: refused, and the definitions before it are rolled back with it.
    const other: SchemaDefinition = { name: 'nf_test_other', revision: 1, sql: 'CREATE FUNCTION nf_test_other() RETURNS integer LANGUAGE sql AS \'SELECT 0\';' };
    await expect(migrateToLatest(t.db, { definitions: [other, answering(2, 3)] })).rejects.toMatchObject({
      code: 'NF_STORE_MIGRATION_FAILED', message: expect.stringContaining('nf_test_answer'),
    });
    expect(await answerOf(t)).toBe(2);
    expect((await definitions(t)).map((d) => d.name)).not.toContain('nf_test_other');
  });

  it('says which step failed when a definition does not apply, and applies nothing of it', async () => {
    const t = await fresh();
    const broken: SchemaDefinition = { name: 'nf_test_broken', revision: 1, sql: 'CREATE FUNCTION nf_test_broken() RETURNS integer LANGUAGE sql AS \'SELECT no_such_column FROM no_such_table\';' };
    await expect(migrateToLatest(t.db, { definitions: [answering(1, 1), broken] })).rejects.toMatchObject({
      code: 'NF_STORE_MIGRATION_FAILED', message: expect.stringContaining('no_such_table'), details: { migration: 'the schema definitions' },
    });
    expect((await definitions(t)).map((d) => d.name)).toEqual([]);
    // The migrations before it stand; the definitions go in once fixed.
    expect((await migrateToLatest(t.db, { definitions: [answering(1, 1)] })).map((r) => r.migrationName)).toEqual(['nf_test_answer (definition, revision 1)']);
  });
});
