import { sql } from 'kysely';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database } from './database';

/** The five characters XML escapes in an attribute value. */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * The name, placement and definition of every defined network whose definition mentions `bridge`
 * (as written, or XML-escaped): a superset of the networks holding that bridge, which a
 * command's bridge-conflict check then confirms (bridgeClaimsOf). Read from the networks' own rows
 * and filtered in PostgreSQL: at 1,000 networks, reading every definition for every command was
 * most of a command's cost (about 1 MB of XML through the wire and the parser per command).
 */
export async function listNetworksMentioning(db: Database, bridge: string): Promise<Pick<NetworkView, 'name' | 'hosts' | 'xml'>[]> {
  const escaped = bridge.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
  const { rows } = await sql<Pick<NetworkView, 'name' | 'hosts' | 'xml'>>`
    SELECT name, doc->'hosts' AS hosts, doc->>'xml' AS xml FROM network_own_view
    WHERE strpos(doc->>'xml', ${bridge}) > 0 OR strpos(doc->>'xml', ${escaped}) > 0
    ORDER BY name`.execute(db);
  return rows;
}
