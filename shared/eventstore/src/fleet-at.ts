import { foldFleet } from '@netfleet/fleet/evolve';
import { emptyFleetView, type FleetView } from '@netfleet/fleet/fleet-view';
import type { Database } from './database';
import { readFoldablePages, settledPosition } from './read';
import { listHostViews, listNetworkViews } from './views';
import type { HostView, NetworkView } from '@netfleet/fleet/fleet-view';

/** A point of the past: a global position, or a moment (events recorded at or before it). */
export type FleetPoint = { position: number } | { time: Date };

/**
 * The fleet as of a past position or time: the log up to that point folded with the same pure
 * fold as the live views (a full recompute; no snapshots yet).
 */
export async function fleetAt(db: Database, at: FleetPoint, options: { pageSize?: number } = {}): Promise<FleetView> {
  let fleet = emptyFleetView();
  const bound = 'position' in at ? { untilPosition: at.position } : { untilTime: at.time };
  for await (const page of readFoldablePages(db, { ...bound, ...(options.pageSize ? { pageSize: options.pageSize } : {}) })) {
    fleet = foldFleet(page, fleet);
  }
  return fleet;
}

/**
 * The live views with the position they have folded up to, from one snapshot: a client resuming
 * the event stream after `position` neither misses nor refolds an event committed between reads.
 *
 * `position` is the highest one the snapshot sees; a transaction still in flight may hold a lower
 * one and commit later (positions are taken at insert). For a reader that folds the log from
 * here, the same snapshot also says what it holds exactly: every position up to `settled` that
 * exists, and of those after it only `seenAfterSettled` — anything else the reader meets later
 * is new to it, whatever its position.
 */
export async function readLiveFleet(db: Database): Promise<{ position: number; settled: number; seenAfterSettled: number[]; networks: NetworkView[]; hosts: HostView[] }> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const position = await viewCheckpoint(trx);
    const settled = await settledPosition(trx);
    const seenAfterSettled = (await trx.selectFrom('events').select('position').where('position', '>', settled).orderBy('position').execute()).map((r) => Number(r.position));
    const [networks, hosts] = [await listNetworkViews(trx), await listHostViews(trx)];
    return { position, settled, seenAfterSettled, networks, hosts };
  });
}

/** The position the live views have folded up to. */
async function viewCheckpoint(db: Database): Promise<number> {
  const row = await db.selectFrom('projection_checkpoint').select('position').where('projection', '=', 'fleet_views').executeTakeFirst();
  return row?.position ?? 0;
}
