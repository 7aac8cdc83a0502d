import { sql } from 'kysely';
import { HostEventType } from '@netfleet/events/host-events';
import type { HostReport } from '@netfleet/fleet/host-outcomes';
import type { Database } from './database';

const OUTCOME_TYPES = [HostEventType.NetworkStartedOnHost, HostEventType.NetworkStoppedOnHost, HostEventType.NetworkFailedOnHost] as const;

/*
 * Hosts' outcome reports are read from the hosts' streams rather than the network's view, which
 * forgets a host once it has stopped a network it no longer runs, and the whole network once it is
 * undefined (or, transient, stopped everywhere) — exactly the answers `--wait` must still give.
 */

/** A host's outcome report with where it sits in the log and which network it is about. */
export interface PositionedHostReport extends HostReport { position: number; network: string }

/**
 * Every host's outcome reports after `afterPosition`, in log order: the one read that all the
 * `--wait`s of an API share after a commit (services/api's SharedReportReads).
 */
export async function readAllHostReports(db: Database, afterPosition: number): Promise<PositionedHostReport[]> {
  const rows = await db.selectFrom('events').select(['position', 'type', 'data'])
    .where('position', '>', afterPosition)
    .where('type', 'in', [...OUTCOME_TYPES])
    .where(sql<string>`stream_id`, 'like', 'host:%')
    .orderBy('position').execute();
  return rows.map((r) => {
    const data = r.data as { host: string; network: string; generation: number; warnings?: string[]; error?: string };
    return {
      position: Number(r.position), network: data.network, type: r.type as HostReport['type'], host: data.host,
      generation: data.generation, warnings: data.warnings ?? [], ...(data.error !== undefined ? { error: data.error } : {}),
    };
  });
}
