import { sql } from 'kysely';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database } from './database';

/**
 * The name, placement and definition of every defined network whose definition contains one of
 * `texts` (a bridge's spellings, spellingsOfBridge): a superset of the networks holding that
 * bridge, which a command's bridge-conflict check then confirms (bridgeClaimsOf). Read from the
 * networks' own rows and filtered in PostgreSQL: at 1,000 networks, reading every definition for
 * every command was most of a command's cost (about 1 MB of XML through the wire and the parser).
 */
export async function listNetworksMentioning(db: Database, texts: readonly string[]): Promise<Pick<NetworkView, 'name' | 'hosts' | 'xml'>[]> {
  const { rows } = await sql<Pick<NetworkView, 'name' | 'hosts' | 'xml'>>`
    SELECT name, doc->'hosts' AS hosts, doc->>'xml' AS xml FROM network_own_view
    WHERE EXISTS (SELECT 1 FROM unnest(${texts}::text[]) AS t(text) WHERE strpos(doc->>'xml', t.text) > 0)
    ORDER BY name`.execute(db);
  return rows;
}
