import type { Database } from './database';
import type { StoredDoc, ViewKind } from './views';

const MAX_ENTRIES = 10_000;

/** A document as this process last wrote or read it; `position` null: there was none. */
interface CachedDoc { doc: unknown; position: number | null }

/**
 * What this process last wrote or read of the view documents and stream versions, so an append
 * can skip its read round trip. Never trusted blindly: netfleet_append checks every document's
 * position and the stream's version, and a stale entry only costs one refused attempt, after
 * which the append reads the store and forgets what it had.
 */
export class AppendCache {
  private readonly docs = new Map<string, CachedDoc>();
  private readonly versions = new Map<string, number>();

  getDoc(kind: ViewKind, name: string): CachedDoc | undefined { return touch(this.docs, `${kind}:${name}`); }
  getVersion(streamId: string): number | undefined { return touch(this.versions, streamId); }

  remember(docs: readonly StoredDoc[]): void {
    for (const d of docs) put(this.docs, `${d.kind}:${d.name}`, { doc: d.doc, position: d.position });
  }

  /** After a successful append: every written document now sits at `position`. */
  written(streamId: string, version: number, docs: readonly { kind: ViewKind; name: string; doc: unknown }[], position: number): void {
    put(this.versions, streamId, version);
    for (const d of docs) put(this.docs, `${d.kind}:${d.name}`, d.doc === undefined ? { doc: undefined, position: null } : { doc: d.doc, position });
  }

  /** Seen as absent in the store. */
  absent(kind: ViewKind, name: string): void { put(this.docs, `${kind}:${name}`, { doc: undefined, position: null }); }

  forget(streamId: string, keys: { networks: string[]; hosts: string[] }): void {
    this.versions.delete(streamId);
    for (const n of keys.networks) this.docs.delete(`network:${n}`);
    for (const h of keys.hosts) this.docs.delete(`host:${h}`);
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
