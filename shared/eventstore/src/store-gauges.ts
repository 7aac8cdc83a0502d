import { sql } from 'kysely';
import type { Database } from './database.ts';

/**
 * What the API's /metrics and /readyz read about the store when scraped. Every instance reads the
 * same rows, so every instance reports the same figures.
 */
export async function pingStore(db: Database): Promise<void> {
  await sql`select 1`.execute(db);
}

/** The log's head position: its rate is events appended per second. */
export async function logHeadPosition(db: Database): Promise<number> {
  const r = await sql<{ position: string | null }>`select max(position)::int8 as position from events`.execute(db);
  return Number(r.rows[0]?.position ?? 0);
}

export async function countHostsByLiveness(db: Database): Promise<{ online: number; offline: number }> {
  const r = await sql<{ online: boolean; n: string }>`select coalesce((doc->>'online')::boolean, false) as online, count(*)::int8 as n from host_view group by 1`.execute(db);
  return { online: Number(r.rows.find((x) => x.online)?.n ?? 0), offline: Number(r.rows.find((x) => !x.online)?.n ?? 0) };
}

/** Host commands recorded but not yet relayed to JetStream, and the oldest one's age. */
export async function outboxBacklog(db: Database): Promise<{ pending: number; oldestSeconds: number }> {
  const r = await sql<{ n: string; age: number | null }>`select count(*)::int8 as n, extract(epoch from clock_timestamp() - min(created_at))::float8 as age from outbox where published_at is null`.execute(db);
  return { pending: Number(r.rows[0]?.n ?? 0), oldestSeconds: r.rows[0]?.age ?? 0 };
}

/** Connections to the store's database by state (every API instance and tool together). */
export async function connectionsByState(db: Database): Promise<{ state: string; count: number }[]> {
  const r = await sql<{ state: string | null; n: string }>`select state, count(*)::int8 as n from pg_stat_activity where datname = current_database() group by state`.execute(db);
  return r.rows.map((row) => ({ state: row.state ?? 'unknown', count: Number(row.n) }));
}
