import { sql } from 'kysely';
import type { Database } from './database';

/**
 * Whether a network was ever placed on a host: some event of the network's stream names the host
 * in its placement (defined, created or re-placed there). A host that was placed keeps reporting
 * about the network after it left the placement or the network was undefined (its stop), so the
 * live view alone would not do.
 */
export async function wasEverPlacedOn(db: Database, network: string, host: string): Promise<boolean> {
  const row = await db.selectFrom('events').select('position')
    .where('stream_id', '=', `network:${network}`)
    .where(sql<boolean>`jsonb_exists(coalesce(data->'hosts', '[]'::jsonb), ${host})`)
    .limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Whether a network of that name was ever defined (its stream has events). */
export async function wasEverDefined(db: Database, network: string): Promise<boolean> {
  const row = await db.selectFrom('events').select('position').where('stream_id', '=', `network:${network}`).limit(1).executeTakeFirst();
  return row !== undefined;
}
