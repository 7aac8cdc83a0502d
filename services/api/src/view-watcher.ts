import pg from 'pg';
import { NOTIFY_CHANNEL } from '@netfleet/eventstore/append';
import type { Logger } from '@netfleet/log/logger';

/**
 * Wakes waiters whenever any API instance commits events: a LISTEN on the channel every append
 * NOTIFYs at commit. Waiters re-read the view when woken; they never poll on a timer.
 */
export class ViewWatcher {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly databaseUrl: string, private readonly log: Logger) {}

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', () => { for (const listener of [...this.listeners]) listener(); });
    client.on('error', (e) => this.log.error({ err: e }, 'event notification connection failed'));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.client = client;
  }

  async stop(): Promise<void> {
    await this.client?.end();
  }

  /**
   * Resolves with `check()`'s first defined answer, re-evaluated after every commit, or with
   * `onTimeout()` when `timeoutMs` passes first.
   */
  async until<T>(check: () => Promise<T | undefined>, timeoutMs: number, onTimeout: () => Promise<T>): Promise<T> {
    let wake: () => void = () => {};
    let dirty = false;
    const listener = () => { dirty = true; wake(); };
    this.listeners.add(listener);
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        dirty = false;
        const answer = await check();
        if (answer !== undefined) return answer;
        const left = deadline - Date.now();
        if (left <= 0) return await onTimeout();
        if (dirty) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => { clearTimeout(timer); resolve(); };
        });
      }
    } finally {
      this.listeners.delete(listener);
    }
  }
}
