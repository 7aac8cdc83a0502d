import type { Database } from './database';

/**
 * First-come, first-served locks on view documents, held by this process's appends from their
 * read to their write. Two appends of one process that fold into the same document would
 * otherwise race: the one that loses re-reads and folds again, and with 100 hosts reporting on
 * one network a command's append could lose 20 times in a row (NF_STORE_CONTENDED). In turn, each
 * append wins at its first attempt. Appends of other processes are still guarded by
 * netfleet_append's position check; these locks only stop a process racing itself.
 */
export class ViewLocks {
  /** Per key, the tail of its queue: resolves when the last holder so far releases it. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for every key (taken in sorted order: two appends never wait on each other), then runs `fn`. */
  async with<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) releases.push(await this.acquire(key));
      return await fn();
    } finally {
      for (const release of releases) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    return () => {
      release();
      // The last holder leaves no entry behind (a fleet has many documents).
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

const locks = new WeakMap<Database, ViewLocks>();

/** One set of locks per database handle (per process, in practice), like the append cache. */
export function viewLocksOf(db: Database): ViewLocks {
  let found = locks.get(db);
  if (!found) locks.set(db, (found = new ViewLocks()));
  return found;
}
