import pg from 'pg';

/** `postgres://…/name` → the same server's URL for another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function onMaintenanceDb<T>(serverUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try { return await run(client); } finally { await client.end(); }
}

/** Creates a database (optionally as a copy of a template) unless it exists. */
export async function createDatabaseIfMissing(serverUrl: string, database: string, template?: string): Promise<boolean> {
  return onMaintenanceDb(serverUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(database)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
    return true;
  });
}

/** Drops a database, disconnecting whoever still uses it. */
export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await onMaintenanceDb(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`));
}
