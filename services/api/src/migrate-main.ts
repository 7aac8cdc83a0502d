import { createDatabase, DEFAULT_DATABASE_URL } from '@netfleet/eventstore/database';
import { migrateToLatest } from '@netfleet/eventstore/migrate';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';

// `npm run migrate`: brings NETFLEET_PG_URL's schema to the latest migration and says what it did.
// The API does the same on start; this is for deploys that migrate before rolling instances.
const url = process.env['NETFLEET_PG_URL'] ?? DEFAULT_DATABASE_URL;
const db = createDatabase(url, { max: 1 });
try {
  const results = await migrateToLatest(db);
  if (results.length === 0) process.stdout.write('the schema is up to date; nothing to apply\n');
  for (const r of results) process.stdout.write(`${r.migrationName}: ${r.status === 'Success' ? 'applied' : r.status}\n`);
} catch (e) {
  process.stderr.write(`error: ${isNetfleetError(e) ? e.message : (e as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
