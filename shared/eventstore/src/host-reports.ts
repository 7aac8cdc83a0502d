import { sql } from 'kysely';
import { HostEventType } from '@netfleet/events/host-events';
import type { HostReport } from '@netfleet/fleet/host-outcomes';
import type { Database } from './database';

const OUTCOME_TYPES = [HostEventType.NetworkStartedOnHost, HostEventType.NetworkStoppedOnHost, HostEventType.NetworkFailedOnHost] as const;

/**
 * The outcomes `hosts` reported for `network` after `afterPosition`, in log order. Read from the
 * hosts' streams rather than the network's view, which forgets a host once it has stopped a
 * network it no longer runs, and the whole network once it is undefined (or, transient, stopped
 * everywhere) — exactly the answers `--wait` must still give.
 */
export async function readHostReports(db: Database, query: { network: string; hosts: readonly string[]; afterPosition: number }): Promise<HostReport[]> {
  if (query.hosts.length === 0) return [];
  const rows = await db.selectFrom('events').select(['stream_id', 'type', 'data'])
    .where('position', '>', query.afterPosition)
    .where('stream_id', 'in', query.hosts.map((h) => `host:${h}`))
    .where('type', 'in', [...OUTCOME_TYPES])
    .where(sql<string>`data->>'network'`, '=', query.network)
    .orderBy('position').execute();
  return rows.map((r) => {
    const data = r.data as { host: string; generation: number; warnings?: string[]; error?: string };
    return { type: r.type as HostReport['type'], host: data.host, generation: data.generation, warnings: data.warnings ?? [], ...(data.error !== undefined ? { error: data.error } : {}) };
  });
}
