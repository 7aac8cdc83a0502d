import type { Transaction } from 'kysely';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { evolveNetwork, networkKeyOf } from '@netfleet/fleet/evolve';
import { evolveHost, hostKeyOf } from '@netfleet/fleet/evolve-host';
import type { HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database, Tables } from './database';

/** One event's effect on one network's view. */
export interface ViewChange { event: RecordedEvent; before: NetworkView | undefined; after: NetworkView | undefined }

type ViewTable = 'network_view' | 'host_view';

/**
 * Folds freshly appended events into the view documents inside the appending transaction, with
 * the pure fold of @netfleet/fleet. Documents are locked (FOR UPDATE) so concurrent appends to
 * other streams about the same network or host (an operator's command, an agent's report) fold
 * one after the other.
 */
export async function applyInlineProjections(trx: Transaction<Tables>, events: RecordedEvent[]): Promise<ViewChange[]> {
  const networks = new DocCache<NetworkView>(trx, 'network_view');
  const hosts = new DocCache<HostView>(trx, 'host_view');
  const changes: ViewChange[] = [];
  for (const event of events) {
    const key = networkKeyOf(event);
    if (key !== undefined) {
      const before = await networks.get(key);
      const after = evolveNetwork(before, event);
      networks.set(key, after);
      changes.push({ event, before, after });
    }
    const hostKey = hostKeyOf(event);
    if (hostKey !== undefined) hosts.set(hostKey, evolveHost(await hosts.get(hostKey), event));
  }
  const position = events.at(-1)?.position ?? 0;
  await networks.write(position);
  await hosts.write(position);
  return changes;
}

class DocCache<Doc> {
  private readonly docs = new Map<string, Doc | undefined>();
  constructor(private readonly trx: Transaction<Tables>, private readonly table: ViewTable) {}

  async get(key: string): Promise<Doc | undefined> {
    if (!this.docs.has(key)) {
      const row = await this.trx.selectFrom(this.table).select('doc').where('name', '=', key).forUpdate().executeTakeFirst();
      this.docs.set(key, row?.doc as Doc | undefined);
    }
    return this.docs.get(key);
  }

  set(key: string, doc: Doc | undefined): void { this.docs.set(key, doc); }

  async write(position: number): Promise<void> {
    for (const [name, doc] of this.docs) {
      if (doc) {
        const json = JSON.stringify(doc);
        await this.trx.insertInto(this.table).values({ name, doc: json, position })
          .onConflict((oc) => oc.column('name').doUpdateSet({ doc: json, position })).execute();
      } else {
        await this.trx.deleteFrom(this.table).where('name', '=', name).execute();
      }
    }
  }
}

export async function getNetworkView(db: Database, name: string): Promise<NetworkView | undefined> {
  const row = await db.selectFrom('network_view').select('doc').where('name', '=', name).executeTakeFirst();
  return row?.doc as NetworkView | undefined;
}

export async function listNetworkViews(db: Database): Promise<NetworkView[]> {
  const rows = await db.selectFrom('network_view').select('doc').orderBy('name').execute();
  return rows.map((r) => r.doc as NetworkView);
}

export async function listHostViews(db: Database): Promise<HostView[]> {
  const rows = await db.selectFrom('host_view').select('doc').orderBy('name').execute();
  return rows.map((r) => r.doc as HostView);
}
