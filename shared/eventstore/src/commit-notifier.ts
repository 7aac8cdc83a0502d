import pg from 'pg';
import type { Logger } from '@netfleet/log/logger';
import { NOTIFY_CHANNEL } from './append';
import { TOKEN_REVOKED_CHANNEL } from './api-tokens';

export interface CommitNotifierOptions {
  databaseUrl: string;
  log: Logger;
  /** pg_stat_activity's application_name of the LISTEN connection. */
  applicationName?: string;
  /** Reconnect backoff: doubles from min to max after each failed attempt. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** `position` is the last position the commit appended; undefined after a reconnect (re-read). */
export type CommitListener = (position: number | undefined) => void;

export interface WaitOptions {
  timeoutMs: number;
  /** Aborting rejects the wait with the signal's reason (a revoked token, a client gone). */
  signal?: AbortSignal;
}

/**
 * The one LISTEN connection of a process: every append NOTIFYs at commit (netfleet_append), and
 * a token revocation NOTIFYs its name. Listeners are woken on each; waiters re-read what they
 * wait for. The connection reconnects with backoff whenever it drops (every PostgreSQL restart,
 * pg_terminate_backend) and then wakes every listener with `undefined`: notifications sent while
 * it was away are lost, so everyone re-reads (the event stream from its last delivered position).
 */
export class CommitNotifier {
  private client: pg.Client | undefined;
  private readonly commitListeners = new Set<CommitListener>();
  private readonly revokedListeners = new Set<(token: string | undefined) => void>();
  private stopped = false;
  private backoffMs: number;
  private retry: NodeJS.Timeout | undefined;
  /** Times the LISTEN connection was (re-)established. */
  connections = 0;

  constructor(private readonly options: CommitNotifierOptions) {
    this.backoffMs = options.minBackoffMs ?? 100;
  }

  get connected(): boolean { return this.client !== undefined; }

  /** Connects once (never rejects: a failure is retried in the background with backoff). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Called on every commit anywhere in the cluster's database, and after every reconnect. */
  onCommit(listener: CommitListener): () => void {
    this.commitListeners.add(listener);
    return () => { this.commitListeners.delete(listener); };
  }

  /** Called with a token's name when it is revoked; with undefined after a reconnect (re-check all). */
  onTokenRevoked(listener: (token: string | undefined) => void): () => void {
    this.revokedListeners.add(listener);
    return () => { this.revokedListeners.delete(listener); };
  }

  /**
   * Resolves with `check()`'s first defined answer, re-evaluated after every commit (and every
   * reconnect), or with `onTimeout()` when the timeout passes first. Never polls on a timer.
   */
  async until<T>(check: () => Promise<T | undefined>, options: WaitOptions, onTimeout: () => Promise<T>): Promise<T> {
    let wake: () => void = () => {};
    let dirty = false;
    const unlisten = this.onCommit(() => { dirty = true; wake(); });
    const onAbort = () => wake();
    options.signal?.addEventListener('abort', onAbort);
    const deadline = Date.now() + options.timeoutMs;
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        dirty = false;
        const answer = await check();
        if (answer !== undefined) return answer;
        options.signal?.throwIfAborted();
        const left = deadline - Date.now();
        if (left <= 0) return await onTimeout();
        if (dirty) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => { clearTimeout(timer); resolve(); };
        });
      }
    } finally {
      unlisten();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: this.options.applicationName ?? 'netfleet-commit-notifier' });
    let lost = false;
    const onLost = (e?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.options.log.warn({ err: e, retryInMs: this.backoffMs }, 'the commit notifier lost its PostgreSQL connection; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (n) => {
      if (n.channel === NOTIFY_CHANNEL) this.wakeCommit(n.payload ? Number(n.payload) : undefined);
      else if (n.channel === TOKEN_REVOKED_CHANNEL) this.wakeRevoked(n.payload ?? undefined);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFY_CHANNEL}; LISTEN ${TOKEN_REVOKED_CHANNEL}`);
    } catch (e) {
      onLost(e as Error);
      return;
    }
    if (lost || this.stopped) { await client.end().catch(() => undefined); return; }
    this.client = client;
    this.connections++;
    this.backoffMs = this.options.minBackoffMs ?? 100;
    if (this.connections > 1) this.options.log.info('the commit notifier is listening again; waking every reader to catch up');
    // Whatever was committed (or revoked) before LISTEN began was not heard: everyone re-reads.
    this.wakeCommit(undefined);
    this.wakeRevoked(undefined);
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retry);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
    this.retry = setTimeout(() => { void this.connect(); }, delay);
  }

  private wakeCommit(position: number | undefined): void {
    for (const listener of [...this.commitListeners]) {
      try { listener(position); } catch (e) { this.options.log.error({ err: e }, 'a commit listener failed'); }
    }
  }

  private wakeRevoked(token: string | undefined): void {
    for (const listener of [...this.revokedListeners]) {
      try { listener(token); } catch (e) { this.options.log.error({ err: e }, 'a token revocation listener failed'); }
    }
  }
}

/** Starts the process's commit notifier (resolves after the first connection attempt). */
export async function startCommitNotifier(options: CommitNotifierOptions): Promise<CommitNotifier> {
  const notifier = new CommitNotifier(options);
  await notifier.start();
  return notifier;
}
