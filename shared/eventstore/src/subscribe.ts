import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import type { CommitNotifier } from './commit-notifier';
import type { Database } from './database';
import { readAll } from './read';

export interface SubscribeOptions {
  /** The process's commit notifier: it wakes the subscription at every commit and reconnect. */
  notifier: CommitNotifier;
  /** Deliver events after this position (0: the whole log). */
  after?: number;
  pageSize?: number;
  /**
   * Re-read after this long without a NOTIFY. Appends always notify at commit; this covers a
   * transaction that appended nothing yet held readers back (the in-flight guard) and then ended,
   * and the notifier being away (it reconnects and wakes everyone, but meanwhile this reads on).
   */
  idleRecheckMs?: number;
  /** Called once per event, strictly in position order; the next waits for it to settle. */
  handle?: (event: RecordedEvent) => unknown;
  /** Called once per page read (instead of, or after, `handle` for each of its events). */
  handlePage?: (page: RecordedEvent[]) => unknown;
  /** Called whenever a read found nothing more to deliver: the subscriber is live at `position`. */
  onCaughtUp?: (position: number) => void;
  /**
   * A read failed with a retriable store error (PostgreSQL restarting, a connection cut): it is
   * tried again after `retryInMs` (doubling up to 5 s). Any other error ends the subscription.
   */
  onStoreError?: (error: Error, retryInMs: number) => void;
}

export interface Subscription {
  /** Position of the last event handled. */
  readonly position: number;
  /** Resolves when `stop()` ends the subscription; rejects with the handler's or the store's error. */
  readonly done: Promise<void>;
  /** Resolves once every event up to `position` has been handled. */
  reached(position: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Follows the global log: catches up from `after`, then stays live, woken by the commit notifier
 * (every append NOTIFYs at commit). Pages come from readAll, which never passes a position whose
 * transaction is still in flight, so a subscriber neither skips nor reorders events even when
 * transactions commit out of position order. The notifier listens before the first read, and
 * wakes every subscription after it reconnects, so no commit falls between.
 */
export async function subscribeToAll(db: Database, options: SubscribeOptions): Promise<Subscription> {
  const pageSize = options.pageSize ?? 500;
  const idle = options.idleRecheckMs ?? 1000;
  let position = options.after ?? 0;
  let stopped = false;
  let woken = false;
  let wake = () => { woken = true; };
  const waiters: { position: number; resolve: () => void }[] = [];
  const unlisten = options.notifier.onCommit(() => wake());

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.position <= position) waiters.splice(i, 1)[0]!.resolve();
    }
  };
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => { clearTimeout(timer); woken = true; resolve(); };
  }).finally(() => { wake = () => { woken = true; }; });

  let retryMs = 100;
  const read = async (): Promise<RecordedEvent[] | undefined> => {
    try {
      const page = await readAll(db, { after: position, limit: pageSize });
      retryMs = 100;
      return page;
    } catch (e) {
      if (!isNetfleetError(e) || !(e.code === 'NF_STORE_UNAVAILABLE' || e.code === 'NF_STORE_NO_DATABASE')) throw e;
      options.onStoreError?.(e, retryMs);
      await pause(retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
      return undefined;
    }
  };

  const run = async () => {
    while (!stopped) {
      woken = false;
      const page = await read();
      if (page === undefined) continue;
      for (const event of page) {
        if (stopped) return;
        if (options.handle) await options.handle(event);
        position = event.position;
      }
      if (page.length > 0 && options.handlePage && !stopped) await options.handlePage(page);
      settleWaiters();
      if (page.length === pageSize) continue;
      options.onCaughtUp?.(position);
      if (woken || stopped) continue;
      await pause(idle);
    }
  };

  const done = run().finally(() => {
    stopped = true;
    unlisten();
  });
  done.catch(() => undefined);

  return {
    get position() { return position; },
    done,
    reached(target) {
      if (target <= position) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ position: target, resolve });
        done.then(() => reject(new Error(`subscription stopped at ${position} before reaching ${target}`)), reject);
      });
    },
    async stop() {
      stopped = true;
      wake();
      await done.catch(() => undefined);
    },
  };
}
