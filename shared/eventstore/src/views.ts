import { sql, type Kysely } from 'kysely';
import type { NewEvent } from '@netfleet/events/event-envelope';
import { isNetworkEventType } from '@netfleet/events/network-events';
import { evolveNetwork, foldsEveryPlacement, mayVanishOnReport, networkKeyOf } from '@netfleet/fleet/evolve';
import { evolveHost, hostKeyOf } from '@netfleet/fleet/evolve-host';
import type { HostNetworkStatus, HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import type { Database, Tables } from './database';

/** An event about to be appended, with the stream version it will get. */
export type VersionedEvent = NewEvent & { streamVersion: number };

/**
 * The inline views' rows (migrations/0007): a network's own row (definition, desired state;
 * `perHost` always empty), one row per (network, host) with that host's state, one per host.
 */
export type ViewKind = 'network' | 'placement' | 'host';

/** A view row as read, with the position it was written at (the optimistic guard). */
export interface StoredDoc { kind: ViewKind; name: string; /** A placement's host. */ host?: string; doc: unknown; position: number }

/**
 * A row to write: `doc` undefined deletes it; `expected` null means none was read. `check`: the
 * fold read it and did not change it, so it is only checked unmoved (and locked to commit).
 */
export interface ViewWrite { kind: ViewKind; name: string; host?: string; doc: unknown; expected: number | null; check?: boolean }

/** The rows an append folds into. */
export interface ViewKeys {
  networks: string[];
  /** Networks whose fold needs every placement row (commands asking or pruning hosts). */
  everyPlacement: string[];
  /** Single placements a host's report folds into: [network, host]. */
  placements: [string, string][];
  hosts: string[];
}

export const docKey = (kind: ViewKind, name: string, host?: string): string => (host === undefined ? `${kind}:${name}` : `${kind}:${name}\n${host}`);

/** The view rows `events` touch. */
export function viewKeysOf(events: readonly { type: string; data: unknown }[]): ViewKeys {
  const networks = new Set<string>();
  const every = new Set<string>();
  const placements = new Map<string, [string, string]>();
  const hosts = new Set<string>();
  for (const e of events) {
    const n = networkKeyOf(e);
    if (n !== undefined) {
      networks.add(n);
      if (foldsEveryPlacement(e)) every.add(n);
      else if (!isNetworkEventType(e.type)) {
        const host = (e.data as { host: string }).host;
        placements.set(docKey('placement', n, host), [n, host]);
      }
    }
    const h = hostKeyOf(e);
    if (h !== undefined) hosts.add(h);
  }
  return { networks: [...networks], everyPlacement: [...every], placements: [...placements.values()].filter(([n]) => !every.has(n)), hosts: [...hosts] };
}

/**
 * Networks a report may remove (transient and no longer active): their fold needs every host's
 * row, which `keys` did not know before the network's own row was read.
 */
export function widenedFor(keys: ViewKeys, stored: readonly StoredDoc[]): ViewKeys {
  const vanishing = stored.filter((d) => d.kind === 'network' && !keys.everyPlacement.includes(d.name)
    && keys.placements.some(([n]) => n === d.name) && mayVanishOnReport(d.doc as NetworkView)).map((d) => d.name);
  if (vanishing.length === 0) return keys;
  return { ...keys, everyPlacement: [...keys.everyPlacement, ...vanishing], placements: keys.placements.filter(([n]) => !vanishing.includes(n)) };
}

/**
 * Folds events into the rows read before the append, with the pure fold of @netfleet/fleet: each
 * network's document is composed from its own row and the placement rows read, folded, and split
 * again. Rows the fold left as they were are only checked; the writes carry the positions the
 * rows were read at, so an append that raced with another is refused and folded again.
 */
export function foldIntoDocs(events: readonly VersionedEvent[], stored: readonly StoredDoc[], keys: ViewKeys): ViewWrite[] {
  const networks = new Map<string, { own: StoredDoc | undefined; placements: Map<string, StoredDoc>; view: NetworkView | undefined; commanded: boolean }>();
  for (const name of keys.networks) networks.set(name, { own: undefined, placements: new Map(), view: undefined, commanded: false });
  const hostDocs = new Map<string, { doc: unknown; expected: number | null }>();
  for (const name of keys.hosts) hostDocs.set(name, { doc: undefined, expected: null });
  for (const s of stored) {
    if (s.kind === 'network') networks.get(s.name)!.own = s;
    else if (s.kind === 'placement') networks.get(s.name)!.placements.set(s.host!, s);
    else hostDocs.set(s.name, { doc: s.doc, expected: s.position });
  }
  for (const n of networks.values()) {
    if (n.own) n.view = { ...(n.own.doc as NetworkView), perHost: Object.fromEntries([...n.placements].map(([h, p]) => [h, p.doc as HostNetworkStatus])) };
  }
  for (const event of events) {
    const key = networkKeyOf(event);
    if (key !== undefined) {
      const n = networks.get(key)!;
      if (isNetworkEventType(event.type)) n.commanded = true;
      // The store hands out positions at insert; the network fold reads versions, never positions.
      n.view = evolveNetwork(n.view, { ...event, position: 0 });
    }
    const hostKey = hostKeyOf(event);
    if (hostKey !== undefined) {
      const h = hostDocs.get(hostKey)!;
      h.doc = evolveHost(h.doc as HostView | undefined, event);
    }
  }
  const writes: ViewWrite[] = [];
  const placementWrites: ViewWrite[] = [];
  for (const [name, n] of [...networks].sort(([a], [b]) => compare(a, b))) {
    const expected = n.own?.position ?? null;
    const { perHost, ...own } = n.view ?? { perHost: {} as Record<string, HostNetworkStatus> };
    if (n.commanded || !n.view) writes.push({ kind: 'network', name, doc: n.view ? { ...own, perHost: {} } : undefined, expected });
    else writes.push({ kind: 'network', name, doc: n.own!.doc, expected, check: true });
    const hostsOfNetwork = new Set([...n.placements.keys(), ...Object.keys(perHost)]);
    for (const [network, host] of keys.placements) if (network === name) hostsOfNetwork.add(host);
    for (const host of [...hostsOfNetwork].sort(compare)) {
      const before = n.placements.get(host);
      const after = perHost[host];
      const base = { kind: 'placement' as const, name, host, expected: before?.position ?? null };
      // A network removed takes its placement rows along (ON DELETE CASCADE): they are only checked.
      if (!n.view || after === before?.doc) placementWrites.push({ ...base, doc: before?.doc, check: true });
      else placementWrites.push({ ...base, doc: after });
    }
  }
  writes.push(...placementWrites);
  for (const [name, h] of [...hostDocs].sort(([a], [b]) => compare(a, b))) writes.push({ kind: 'host', name, doc: h.doc, expected: h.expected });
  return writes;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Reads the rows an append will fold into (no lock: the write is guarded by position). */
export async function readDocs(db: Kysely<Tables>, keys: ViewKeys): Promise<StoredDoc[]> {
  if (keys.networks.length + keys.everyPlacement.length + keys.placements.length + keys.hosts.length === 0) return [];
  const { rows } = await sql<StoredDoc>`
    SELECT 'network' AS kind, name, NULL AS host, doc, position FROM network_own_view WHERE name = ANY(${keys.networks})
    UNION ALL
    SELECT 'placement', network, host, doc, position FROM network_host_view WHERE network = ANY(${keys.everyPlacement})
    UNION ALL
    SELECT 'placement', p.network, p.host, p.doc, p.position FROM network_host_view p
      JOIN unnest(${keys.placements.map(([n]) => n)}::text[], ${keys.placements.map(([, h]) => h)}::text[]) AS k(network, host)
      ON p.network = k.network AND p.host = k.host
    UNION ALL
    SELECT 'host', name, NULL, doc, position FROM host_view WHERE name = ANY(${keys.hosts})`.execute(db);
  return rows.map(withoutNullHost);
}

/**
 * The same rows read and locked to the end of the caller's transaction, for an append that lost
 * a race: commands and reports that may remove the network lock its rows FOR UPDATE (waiting for
 * the reports in flight), other reports lock it FOR SHARE (they never wait for each other), and
 * every row written is locked FOR UPDATE, each kind in name order.
 */
export async function lockDocs(trx: Kysely<Tables>, keys: ViewKeys): Promise<StoredDoc[]> {
  // Rebuilds lock the tables SHARE ROW EXCLUSIVE: wait for one here, before holding any row.
  await sql`LOCK TABLE network_own_view, network_host_view, host_view IN ROW EXCLUSIVE MODE`.execute(trx);
  const docs: StoredDoc[] = [];
  for (const name of [...keys.networks].sort(compare)) {
    const mode = keys.everyPlacement.includes(name) ? sql`FOR UPDATE` : sql`FOR SHARE`;
    const { rows } = await sql<StoredDoc>`SELECT 'network' AS kind, name, doc, position FROM network_own_view WHERE name = ${name} ${mode}`.execute(trx);
    docs.push(...rows);
  }
  const { rows: placements } = await sql<StoredDoc>`
    SELECT 'placement' AS kind, network AS name, host, doc, position FROM network_host_view
    WHERE network = ANY(${keys.everyPlacement})
       OR (network, host) IN (SELECT * FROM unnest(${keys.placements.map(([n]) => n)}::text[], ${keys.placements.map(([, h]) => h)}::text[]))
    ORDER BY network, host FOR UPDATE`.execute(trx);
  const { rows: hosts } = await sql<StoredDoc>`SELECT 'host' AS kind, name, doc, position FROM host_view WHERE name = ANY(${keys.hosts}) ORDER BY name FOR UPDATE`.execute(trx);
  return [...docs, ...placements, ...hosts].map(withoutNullHost);
}

const withoutNullHost = (d: StoredDoc): StoredDoc => {
  const doc: StoredDoc = { kind: d.kind, name: d.name, doc: d.doc, position: Number(d.position) };
  if (d.host !== null && d.host !== undefined) doc.host = d.host;
  return doc;
};

/**
 * The views read whole, by name: each table's doc. (Kysely types a query on a generic table name
 * as a union it cannot call, hence `table as keyof ViewDocs`: both tables have `name` and `doc`.)
 */
interface ViewDocs { network_view: NetworkView; host_view: HostView }

async function getView<Table extends keyof ViewDocs>(db: Database, table: Table, name: string): Promise<ViewDocs[Table] | undefined> {
  const row = await db.selectFrom(table as keyof ViewDocs).select('doc').where('name', '=', name).executeTakeFirst();
  return row?.doc as ViewDocs[Table] | undefined;
}

async function listViews<Table extends keyof ViewDocs>(db: Kysely<Tables>, table: Table): Promise<ViewDocs[Table][]> {
  const rows = await db.selectFrom(table as keyof ViewDocs).select('doc').orderBy('name').execute();
  return rows.map((r) => r.doc as ViewDocs[Table]);
}

export function getNetworkView(db: Database, name: string): Promise<NetworkView | undefined> { return getView(db, 'network_view', name); }
export function listNetworkViews(db: Kysely<Tables>): Promise<NetworkView[]> { return listViews(db, 'network_view'); }
export function getHostView(db: Database, name: string): Promise<HostView | undefined> { return getView(db, 'host_view', name); }
export function listHostViews(db: Kysely<Tables>): Promise<HostView[]> { return listViews(db, 'host_view'); }
