import { sql } from 'kysely';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database } from './database';

/**
 * Every defined network's name, placement and definition, without the per-host status: what a
 * command's bridge-conflict check reads (bridgeClaimsOf), at a fraction of the whole views.
 * From the networks' own rows: the composed network_view would build every network's perHost
 * from its placement rows only to drop it (at 1,000 networks, most of a command's SQL time).
 */
export async function listNetworkPlacements(db: Database): Promise<Pick<NetworkView, 'name' | 'hosts' | 'xml'>[]> {
  const { rows } = await sql<Pick<NetworkView, 'name' | 'hosts' | 'xml'>>`
    SELECT name, doc->'hosts' AS hosts, doc->>'xml' AS xml FROM network_own_view ORDER BY name`.execute(db);
  return rows;
}
