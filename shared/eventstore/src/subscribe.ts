import pg from 'pg';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { NOTIFY_CHANNEL } from './append';
import type { Database } from './database';
import { readAll } from './read';

export interface SubscribeOptions {
  /** The LISTEN connection's database (the one `db` points at). */
  databaseUrl: string;
  /** Deliver events after this position (0: the whole log). */
  after?: number;
  pageSize?: number;
  /**
   * Re-read after this long without a NOTIFY. Appends always notify at commit; this only covers a
   * transaction that appended nothing yet held readers back (the in-flight guard) and then ended.
   */
  idleRecheckMs?: number;
  /** Called once per event, strictly in position order; the next waits for it to settle. */
  handle: (event: RecordedEvent) => unknown;
  /** Called whenever a read found nothing more to deliver: the subscriber is live at `position`. */
  onCaughtUp?: (position: number) => void;
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
 * Follows the global log: catches up from `after`, then stays live, woken by the NOTIFY every
 * append sends at commit. Pages come from readAll, which never passes a position whose transaction
 * is still in flight, so a subscriber neither skips nor reorders events even when transactions
 * commit out of position order. LISTEN starts before the first read, so no commit falls between.
 */
export async function subscribeToAll(db: Database, options: SubscribeOptions): Promise<Subscription> {
  const pageSize = options.pageSize ?? 500;
  const idle = options.idleRecheckMs ?? 1000;
  let position = options.after ?? 0;
  let stopped = false;
  let woken = false;
  let wake = () => { woken = true; };
  const waiters: { position: number; resolve: () => void }[] = [];

  const listener = new pg.Client({ connectionString: options.databaseUrl });
  let failListener: (e: Error) => void = () => undefined;
  const listenerFailed = new Promise<never>((_, reject) => { failListener = reject; });
  listenerFailed.catch(() => undefined);
  listener.on('notification', () => wake());
  listener.on('error', (e) => failListener(e));
  await listener.connect();
  await listener.query(`LISTEN ${NOTIFY_CHANNEL}`);

  const settleWaiters = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.position <= position) waiters.splice(i, 1)[0]!.resolve();
    }
  };

  const run = async () => {
    while (!stopped) {
      woken = false;
      const page = await readAll(db, { after: position, limit: pageSize });
      for (const event of page) {
        if (stopped) return;
        await options.handle(event);
        position = event.position;
      }
      settleWaiters();
      if (page.length === pageSize) continue;
      options.onCaughtUp?.(position);
      if (woken) continue;
      await Promise.race([listenerFailed, new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idle);
        wake = () => { clearTimeout(timer); woken = true; resolve(); };
      })]);
      wake = () => { woken = true; };
    }
  };

  const done = run().finally(async () => {
    stopped = true;
    await listener.end().catch(() => undefined);
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
      await done;
    },
  };
}
