import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { testDatabaseName } from './test-names';

/** The PostgreSQL server tests make their databases on (trust auth on loopback here). */
export const PG_SERVER = process.env['NETFLEET_PG_URL'] ? withDatabase(process.env['NETFLEET_PG_URL'], 'postgres') : 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase { name: string; url: string; db: Database; drop(): Promise<void> }

/**
 * A database of the test's own, migrated, dropped by `drop()`. Names carry a random suffix so
 * parallel files and leftovers of earlier runs never collide.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = testDatabaseName();
  await createDatabaseIfMissing(PG_SERVER, name);
  const url = withDatabase(PG_SERVER, name);
  const db = createDatabase(url);
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    name, url, db,
    async drop() {
      await db.destroy();
      await dropDatabase(PG_SERVER, name);
    },
  };
}
