import type { Database } from './database';
import { docKey, type StoredDoc, type ViewKeys, type ViewKind, type ViewWrite } from './views';

const MAX_ENTRIES = 10_000;

/** A row as this process last wrote or read it; `position` null: there was none. */
interface CachedDoc { doc: unknown; position: number | null }

/**
 * What this process last wrote or read of the view rows and stream versions, so an append can
 * skip its read round trip. Never trusted blindly: netfleet_append checks every row's position and
 * the stream's version, and a stale entry only costs one refused attempt, after which the append
 * reads the store and forgets what it had. That holds for the set of a network's placement rows
 * too: only commands add rows, and they move the network's own row; a row gone is a check that
 * fails.
 */
export class AppendCache {
  private readonly docs = new Map<string, CachedDoc>();
  private readonly versions = new Map<string, number>();
  /** Per network, the hosts that have a placement row (all of them), as last read or written. */
  private readonly placementSets = new Map<string, string[]>();

  getDoc(kind: ViewKind, name: string, host?: string): CachedDoc | undefined { return touch(this.docs, docKey(kind, name, host)); }
  getVersion(streamId: string): number | undefined { return touch(this.versions, streamId); }
  getPlacementSet(network: string): string[] | undefined { return touch(this.placementSets, network); }

  remember(docs: readonly StoredDoc[]): void {
    for (const d of docs) put(this.docs, docKey(d.kind, d.name, d.host), { doc: d.doc, position: d.position });
  }

  /** Every placement row of `network` was read: these hosts have one. */
  rememberPlacementSet(network: string, hosts: string[]): void { put(this.placementSets, network, hosts); }

  /** After a successful append: every row written now sits at `position`; checked rows did not move. */
  written(streamId: string, version: number, writes: readonly ViewWrite[], position: number, keys: ViewKeys): void {
    put(this.versions, streamId, version);
    for (const w of writes) {
      if (w.check) continue;
      put(this.docs, docKey(w.kind, w.name, w.host), w.doc === undefined ? { doc: undefined, position: null } : { doc: w.doc, position });
    }
    for (const network of keys.networks) {
      const own = writes.find((w) => w.kind === 'network' && w.name === network);
      if (!own || own.doc === undefined) { this.placementSets.delete(network); continue; }
      const placements = writes.filter((w) => w.kind === 'placement' && w.name === network);
      if (keys.everyPlacement.includes(network)) put(this.placementSets, network, placements.filter((w) => w.doc !== undefined).map((w) => w.host!));
      else {
        const set = this.placementSets.get(network);
        const gone = placements.filter((w) => !w.check && w.doc === undefined).map((w) => w.host!);
        if (set && gone.length > 0) put(this.placementSets, network, set.filter((h) => !gone.includes(h)));
      }
    }
  }

  /** Seen as absent in the store. */
  absent(kind: ViewKind, name: string, host?: string): void { put(this.docs, docKey(kind, name, host), { doc: undefined, position: null }); }

  forget(streamId: string, keys: ViewKeys): void {
    this.versions.delete(streamId);
    for (const n of keys.everyPlacement) for (const h of this.placementSets.get(n) ?? []) this.docs.delete(docKey('placement', n, h));
    for (const n of keys.networks) { this.docs.delete(docKey('network', n)); this.placementSets.delete(n); }
    for (const [n, h] of keys.placements) this.docs.delete(docKey('placement', n, h));
    for (const h of keys.hosts) this.docs.delete(docKey('host', h));
  }
}

function touch<T>(map: Map<string, T>, key: string): T | undefined {
  const value = map.get(key);
  if (value !== undefined) { map.delete(key); map.set(key, value); }
  return value;
}

function put<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}

const caches = new WeakMap<Database, AppendCache>();

/** One cache per database handle (per process, in practice). */
export function appendCacheOf(db: Database): AppendCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new AppendCache()));
  return cache;
}
