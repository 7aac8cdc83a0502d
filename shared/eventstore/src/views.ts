import type { Transaction } from 'kysely';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { evolveNetwork, networkKeyOf } from '@netfleet/fleet/evolve';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database, Tables } from './database';

/** One event's effect on one network's view. */
export interface ViewChange { event: RecordedEvent; before: NetworkView | undefined; after: NetworkView | undefined }

/**
 * Folds freshly appended events into the network_view documents inside the appending
 * transaction. The documents are locked (FOR UPDATE) so concurrent appends to other streams
 * about the same network (host reports) fold in commit order.
 */
export async function applyInlineProjections(trx: Transaction<Tables>, events: RecordedEvent[]): Promise<ViewChange[]> {
  const docs = new Map<string, NetworkView | undefined>();
  const changes: ViewChange[] = [];
  for (const event of events) {
    const key = networkKeyOf(event);
    if (key === undefined) continue;
    if (!docs.has(key)) {
      const row = await trx.selectFrom('network_view').select('doc').where('name', '=', key).forUpdate().executeTakeFirst();
      docs.set(key, row?.doc as NetworkView | undefined);
    }
    const before = docs.get(key);
    const after = evolveNetwork(before, event);
    docs.set(key, after);
    changes.push({ event, before, after });
  }
  const position = events.at(-1)?.position ?? 0;
  for (const [name, doc] of docs) {
    if (doc) {
      await trx.insertInto('network_view').values({ name, doc: JSON.stringify(doc), position })
        .onConflict((oc) => oc.column('name').doUpdateSet({ doc: JSON.stringify(doc), position })).execute();
    } else {
      await trx.deleteFrom('network_view').where('name', '=', name).execute();
    }
  }
  return changes;
}

export async function getNetworkView(db: Database, name: string): Promise<NetworkView | undefined> {
  const row = await db.selectFrom('network_view').select('doc').where('name', '=', name).executeTakeFirst();
  return row?.doc as NetworkView | undefined;
}

export async function listNetworkViews(db: Database): Promise<NetworkView[]> {
  const rows = await db.selectFrom('network_view').select('doc').orderBy('name').execute();
  return rows.map((r) => r.doc as NetworkView);
}
