import { sql } from 'kysely';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { evolveNetwork, networkKeyOf } from '@netfleet/fleet/evolve';
import { evolveHost, hostKeyOf } from '@netfleet/fleet/evolve-host';
import type { HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database } from './database';

/** An event about to be appended, with the stream version it will get. */
export type VersionedEvent = NewEvent & { streamVersion: number };

export type ViewKind = 'network' | 'host';

/** A view document as read, with the position it was written at (the optimistic guard). */
export interface StoredDoc { kind: ViewKind; name: string; doc: unknown; position: number }

/** A document to write: `doc` undefined deletes it; `expected` null means none was read. */
interface ViewWrite { kind: ViewKind; name: string; doc: unknown; expected: number | null }

/** The view documents `events` touch, by kind and name. */
export function viewKeysOf(events: readonly { type: string; data: unknown }[]): { networks: string[]; hosts: string[] } {
  const networks = new Set<string>();
  const hosts = new Set<string>();
  for (const e of events) {
    const n = networkKeyOf(e);
    if (n !== undefined) networks.add(n);
    const h = hostKeyOf(e);
    if (h !== undefined) hosts.add(h);
  }
  return { networks: [...networks], hosts: [...hosts] };
}

/**
 * Folds events into the documents read before the append, with the pure fold of @netfleet/fleet.
 * The writes carry the positions the documents were read at, so an append that raced with another
 * on the same document is refused by the store and folded again (see netfleet_append).
 */
export function foldIntoDocs(events: readonly VersionedEvent[], stored: readonly StoredDoc[]): ViewWrite[] {
  const docs = new Map<string, { kind: ViewKind; name: string; doc: unknown; expected: number | null }>();
  for (const s of stored) docs.set(`${s.kind}:${s.name}`, { kind: s.kind, name: s.name, doc: s.doc, expected: s.position });
  const entry = (kind: ViewKind, name: string) => {
    const key = `${kind}:${name}`;
    let found = docs.get(key);
    if (!found) docs.set(key, (found = { kind, name, doc: undefined, expected: null }));
    return found;
  };
  for (const event of events) {
    const key = networkKeyOf(event);
    if (key !== undefined) {
      const doc = entry('network', key);
      // The store hands out positions at insert; the network fold reads versions, never positions.
      doc.doc = evolveNetwork(doc.doc as NetworkView | undefined, { ...event, position: 0 });
    }
    const hostKey = hostKeyOf(event);
    if (hostKey !== undefined) {
      const doc = entry('host', hostKey);
      doc.doc = evolveHost(doc.doc as HostView | undefined, event);
    }
  }
  return [...docs.values()];
}

/** Reads the documents an append will fold into (no lock: the write is guarded by position). */
export async function readDocs(db: Database, keys: { networks: string[]; hosts: string[] }): Promise<StoredDoc[]> {
  if (keys.networks.length === 0 && keys.hosts.length === 0) return [];
  const { rows } = await sql<StoredDoc>`
    SELECT 'network' AS kind, name, doc, position FROM network_view WHERE name = ANY(${keys.networks})
    UNION ALL
    SELECT 'host' AS kind, name, doc, position FROM host_view WHERE name = ANY(${keys.hosts})`.execute(db);
  return rows;
}

export async function getNetworkView(db: Database, name: string): Promise<NetworkView | undefined> {
  const row = await db.selectFrom('network_view').select('doc').where('name', '=', name).executeTakeFirst();
  return row?.doc as NetworkView | undefined;
}

export async function listNetworkViews(db: Database): Promise<NetworkView[]> {
  const rows = await db.selectFrom('network_view').select('doc').orderBy('name').execute();
  return rows.map((r) => r.doc as NetworkView);
}

export async function getHostView(db: Database, name: string): Promise<HostView | undefined> {
  const row = await db.selectFrom('host_view').select('doc').where('name', '=', name).executeTakeFirst();
  return row?.doc as HostView | undefined;
}

export async function listHostViews(db: Database): Promise<HostView[]> {
  const rows = await db.selectFrom('host_view').select('doc').orderBy('name').execute();
  return rows.map((r) => r.doc as HostView);
}
