import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Database } from './database';

/** The repository's migrations/ folder: plain SQL files, frozen in time. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

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

/**
 * Brings the schema to the latest migration. kysely takes a PostgreSQL advisory lock, so several
 * API instances starting at once apply each migration exactly once, in order, each in its own
 * transaction (a half-applied migration is rolled back whole).
 */
export async function migrateToLatest(db: Database, dir?: string): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: new SqlFileMigrationProvider(dir), migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error');
    throw new NetfleetError('NF_STORE_MIGRATION_FAILED', { migration: failed?.migrationName ?? '', reason: (error as Error).message ?? String(error), results }, error);
  }
  return results;
}
