import { sql } from 'kysely';
import { foldFleet } from '@netfleet/fleet/evolve';
import type { FleetView } from '@netfleet/fleet/fleet-view';
import type { Database } from './database';
import { readFoldablePages } from './read';

export interface RebuildResult {
  /** Events folded. */
  events: number;
  networks: number;
  hosts: number;
  /** Position of the last event folded (the views' checkpoint, the head of the log). */
  position: number;
  ms: number;
}

const INSERT_CHUNK = 500;

/**
 * Rebuilds the view tables (networks' own rows, placement rows, hosts) from the whole log with the same pure fold the appends use, and
 * replaces them in one transaction: readers see the old views or the new ones, never a mix.
 *
 * The views are locked first (SHARE ROW EXCLUSIVE: appends wait to write them, readers do not), so
 * every append that touches a view either committed before the lock, and is read here, or waits
 * and then finds its document moved and folds again (netfleet_append's guard). That is why this
 * read may, and must, skip the in-flight guard: appends waiting on the lock hold it.
 */
export async function rebuildViews(db: Database, options: { pageSize?: number; clock?: () => number } = {}): Promise<RebuildResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE network_own_view, network_host_view, host_view IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    let fleet: FleetView | undefined;
    let events = 0;
    for await (const page of readFoldablePages(trx, { inFlightGuard: false, ...(options.pageSize ? { pageSize: options.pageSize } : {}) })) {
      fleet = foldFleet(page, fleet);
      events += page.length;
    }
    const position = fleet?.position ?? 0;
    // Placement rows go with their networks (ON DELETE CASCADE).
    await trx.deleteFrom('network_own_view').execute();
    await trx.deleteFrom('host_view').execute();
    const networks = Object.entries(fleet?.networks ?? {});
    await insertDocs(networks.map(([name, n]) => [name, { ...n, perHost: {} }]), (rows) => trx.insertInto('network_own_view').values(rows).execute(), position);
    const placements = networks.flatMap(([name, n]) => Object.entries(n.perHost).map(([host, status]) => ({ network: name, host, doc: JSON.stringify(status), position })));
    for (let i = 0; i < placements.length; i += INSERT_CHUNK) await trx.insertInto('network_host_view').values(placements.slice(i, i + INSERT_CHUNK)).execute();
    await insertDocs(Object.entries(fleet?.hosts ?? {}), (rows) => trx.insertInto('host_view').values(rows).execute(), position);
    return {
      events, position, ms: clock() - started,
      networks: Object.keys(fleet?.networks ?? {}).length, hosts: Object.keys(fleet?.hosts ?? {}).length,
    };
  });
}

async function insertDocs(entries: [string, unknown][], insert: (rows: { name: string; doc: string; position: number }[]) => Promise<unknown>, position: number): Promise<void> {
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    await insert(entries.slice(i, i + INSERT_CHUNK).map(([name, doc]) => ({ name, doc: JSON.stringify(doc), position })));
  }
}
