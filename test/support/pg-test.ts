import { test as base } from 'vitest';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import { listenForCommits } from './commit-listener';
import { createTestDatabase } from './test-database';
import { until, type UntilOptions } from './until';

/** `until` woken by the event store's NOTIFY at every commit: for anything read from the database. */
export type UntilStored = <T>(check: () => Promise<T | undefined | false>, what: string, options?: Omit<UntilOptions, 'wake'>) => Promise<T>;

/**
 * `pgTest('…', async ({ database, otherDb, untilStored }) => …)`: one database per test file,
 * a copy of the run's migrated template (dropped after the file), so the tests of a file build
 * on each other as they would in one beforeAll. Fixtures are lazy: a file that never names
 * `otherDb` opens no second pool.
 *  - `database`: { name, url, db (kysely), drop }
 *  - `otherDb`: a second pool on it, so concurrent appends really travel over different connections
 *  - `untilStored(check, what)`: re-checks at every commit to this database, fails after a timeout
 */
export const pgTest = base
  .extend('database', { scope: 'file' }, async ({}, { onCleanup }) => {
    const database = await createTestDatabase();
    onCleanup(() => database.drop());
    return database;
  })
  .extend('otherDb', { scope: 'file' }, async ({ database }, { onCleanup }): Promise<Database> => {
    const other = createDatabase(database.url, { max: 4 });
    onCleanup(() => other.destroy());
    return other;
  })
  .extend('untilStored', { scope: 'file' }, async ({ database }, { onCleanup }): Promise<UntilStored> => {
    const commits = await listenForCommits(database.url);
    onCleanup(() => commits.close());
    return (check, what, options = {}) => until(check, what, { ...options, wake: commits.wake });
  });
