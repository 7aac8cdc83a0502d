import { PerKeyBackoff } from './per-key-backoff';

/** Time for the queue: injected so the backoff logic can be tested without waiting. */
export interface QueueClock {
  now(): number;
  /** Runs `fn` once after `ms`; returns a function that cancels it. */
  schedule(fn: () => void, ms: number): () => void;
}

const systemClock: QueueClock = {
  now: () => Date.now(),
  schedule: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

export interface WorkQueueOptions<K> {
  /** Called (synchronously) whenever a key becomes ready to take. */
  onReady: () => void;
  clock?: QueueClock;
  backoff?: PerKeyBackoff<K>;
}

/**
 * A keyed, de-duplicating, rate-limited work queue (client-go's workqueue, shaped for passes
 * that take every ready key at once): a key is ready, processing, or waiting out its backoff.
 * Adding a key that is being processed marks it to run again once `done`; adding one that waits
 * for a retry runs it now (something changed, so try at once). Pure apart from the clock.
 */
export class WorkQueue<K> {
  private readonly ready = new Set<K>();
  private readonly processing = new Set<K>();
  /** Added while processing: ready again once done. */
  private readonly again = new Set<K>();
  private readonly delayed = new Map<K, { at: number; cancel: () => void }>();
  private readonly clock: QueueClock;
  readonly backoff: PerKeyBackoff<K>;
  private closed = false;

  constructor(private readonly options: WorkQueueOptions<K>) {
    this.clock = options.clock ?? systemClock;
    this.backoff = options.backoff ?? new PerKeyBackoff<K>();
  }

  add(key: K): void {
    if (this.closed) return;
    this.cancelDelay(key);
    if (this.processing.has(key)) { this.again.add(key); return; }
    if (this.ready.has(key)) return;
    this.ready.add(key);
    this.options.onReady();
  }

  /** Makes `key` ready after `ms` (keeping an earlier wake-up it already has). */
  addAfter(key: K, ms: number): void {
    if (this.closed) return;
    if (ms <= 0) { this.add(key); return; }
    if (this.ready.has(key) || this.again.has(key)) return; // it runs soon anyway
    const at = this.clock.now() + ms;
    const known = this.delayed.get(key);
    if (known && known.at <= at) return;
    known?.cancel();
    const cancel = this.clock.schedule(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, cancel });
  }

  /** After a retriable failure: ready again after the key's next backoff; returns that delay. */
  addRateLimited(key: K): number {
    const delay = this.backoff.next(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** After a success or a terminal failure: the key's backoff starts over, no retry is pending. */
  forget(key: K): void {
    this.backoff.forget(key);
    this.cancelDelay(key);
  }

  retries(key: K): number {
    return this.backoff.retries(key);
  }

  /** When `key` is due to be retried (clock time), if it waits for one. */
  retryAt(key: K): number | undefined {
    return this.delayed.get(key)?.at;
  }

  /** Every ready key, now processing until `done`. */
  take(): K[] {
    const keys = [...this.ready];
    this.ready.clear();
    for (const k of keys) this.processing.add(k);
    return keys;
  }

  done(keys: Iterable<K>): void {
    let readied = false;
    for (const k of keys) {
      this.processing.delete(k);
      if (this.again.delete(k) && !this.closed) {
        this.ready.add(k);
        readied = true;
      }
    }
    if (readied) this.options.onReady();
  }

  get hasReady(): boolean { return this.ready.size > 0; }

  get readyCount(): number { return this.ready.size; }

  /** Nothing ready, processing or waiting to run again (delayed retries do not count). */
  get isIdle(): boolean { return this.ready.size === 0 && this.processing.size === 0 && this.again.size === 0; }

  /** Cancels every pending retry; adds are ignored from now on. */
  shutDown(): void {
    this.closed = true;
    for (const d of this.delayed.values()) d.cancel();
    this.delayed.clear();
    this.ready.clear();
    this.again.clear();
  }

  private cancelDelay(key: K): void {
    const known = this.delayed.get(key);
    if (!known) return;
    known.cancel();
    this.delayed.delete(key);
  }
}
