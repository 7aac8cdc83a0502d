import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import { APPEND_FUNCTION } from './append-function';
import type { Database, Tables } from './database';
import { applySchemaDefinitions, type SchemaDefinition } from './schema-definitions';

/** The repository's migrations/ folder: plain SQL files, frozen in time. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** The objects defined once, in code, and applied after the migrations (schema-definitions.ts). */
export const SCHEMA_DEFINITIONS: readonly SchemaDefinition[] = [APPEND_FUNCTION];

/** Serves `NNNN_name.sql` files as kysely migrations; each runs in one transaction. */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = MIGRATIONS_DIR) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(`${this.dir}/${file}`, 'utf8');
      migrations[file.replace(/\.sql$/, '')] = { up: async (db) => { await sql.raw(text).execute(db); } };
    }
    return migrations;
  }
}

/** Any number of netfleet's own: one instance at a time migrates and applies the definitions. */
const MIGRATION_LOCK = 7234002;

export interface MigrateOptions {
  /** Another migrations folder (tests). */
  dir?: string;
  /** Other definitions (tests). */
  definitions?: readonly SchemaDefinition[];
}

/**
 * Brings the schema to the latest migration, then applies the definitions newer than the
 * database's. One instance at a time (a session advisory lock on one connection), so several API
 * instances starting at once apply each migration and definition exactly once, in order; each
 * migration runs in its own transaction (a half-applied migration is rolled back whole), the
 * definitions together in one. Answers what was applied, definitions as `name (definition,
 * revision N)`.
 */
export async function migrateToLatest(db: Database, options: MigrateOptions = {}): Promise<MigrationResult[]> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      return await migrateHoldingLock(conn, options);
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

async function migrateHoldingLock(conn: Kysely<Tables>, options: MigrateOptions): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db: conn, provider: new SqlFileMigrationProvider(options.dir), migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new NetfleetError('NF_STORE_MIGRATION_FAILED', { migration: failed?.migrationName ?? '', reason: (error as Error).message ?? String(error), results }, error);
  }
  try {
    const applied = await applySchemaDefinitions(conn, options.definitions ?? SCHEMA_DEFINITIONS);
    return [...results, ...applied.map((d): MigrationResult => ({ migrationName: `${d.name} (definition, revision ${d.revision})`, direction: 'Up', status: 'Success' }))];
  } catch (e) {
    if (isNetfleetError(e) && e.code === 'NF_STORE_MIGRATION_FAILED') throw e;
    const reason = isNetfleetError(e) && typeof e.details['reason'] === 'string' ? e.details['reason'] : (e as Error).message ?? String(e);
    throw new NetfleetError('NF_STORE_MIGRATION_FAILED', { migration: 'the schema definitions', reason, results }, e);
  }
}
