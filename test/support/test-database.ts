import { inject } from 'vitest';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { testDatabaseName } from './test-names';
import { PG_SERVER } from './test-servers';

export { PG_SERVER } from './test-servers';

export interface TestDatabase { name: string; url: string; db: Database; drop(): Promise<void> }

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated template database (test/support/global-setup.ts). */
    pgTemplate: string;
  }
}

/** The run's template, when this file runs under the integration project's global setup. */
function providedTemplate(): string | undefined {
  try {
    return inject('pgTemplate');
  } catch {
    return undefined; // outside vitest (a bench, a script)
  }
}

/**
 * A database of the test's own, dropped by `drop()`: migrated (a copy of the run's template,
 * or migrated in place without one), or empty with `{ migrate: false }`. Names carry their
 * creation time and a random part, so parallel files and leftovers of earlier runs never collide.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = testDatabaseName();
  const template = options.migrate === false ? undefined : providedTemplate();
  await createDatabaseIfMissing(PG_SERVER, name, template);
  const url = withDatabase(PG_SERVER, name);
  const db = createDatabase(url);
  try {
    if (options.migrate !== false && !template) await migrateToLatest(db);
  } catch (e) {
    await db.destroy();
    await dropDatabase(PG_SERVER, name);
    throw e;
  }
  return {
    name, url, db,
    async drop() {
      await db.destroy();
      await dropDatabase(PG_SERVER, name);
    },
  };
}
