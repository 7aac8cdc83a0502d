import { createDatabase } from '@netfleet/eventstore/database';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { templateDatabaseName } from './test-names';
import { PG_SERVER } from './test-servers';

/**
 * Migrates a new database once per run, to be copied by `CREATE DATABASE … TEMPLATE` for every
 * test file: a copy takes milliseconds where migrating takes a round trip per statement. No
 * connection may stay open on the template, or PostgreSQL refuses to copy it.
 */
export async function createTemplateDatabase(): Promise<string> {
  const name = templateDatabaseName();
  await createDatabaseIfMissing(PG_SERVER, name);
  const db = createDatabase(withDatabase(PG_SERVER, name), { max: 1 });
  try {
    await migrateToLatest(db);
  } catch (e) {
    await db.destroy();
    await dropDatabase(PG_SERVER, name);
    throw e;
  }
  await db.destroy();
  return name;
}
