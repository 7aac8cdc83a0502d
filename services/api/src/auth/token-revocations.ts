import type { CommitNotifier } from '@netfleet/eventstore/commit-notifier';
import type { Database } from '@netfleet/eventstore/database';
import { findRevokedApiTokens } from '@netfleet/eventstore/api-tokens';
import type { Logger } from '@netfleet/log/logger';

/**
 * Tells the requests running under a stored token when it is revoked, on any API instance: the
 * store announces each revocation (revokeApiToken's NOTIFY, heard by the commit notifier), and
 * while requests are watched the tokens are re-checked every `recheckMs` — which covers a
 * revocation committed between a request's authentication and its watch, and notifications lost
 * while the notifier reconnected.
 */
export class TokenRevocations {
  private readonly watched = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private checking = false;

  constructor(private readonly db: Database, private readonly notifier: CommitNotifier, private readonly log: Logger, private readonly recheckMs = 1000) {}

  start(): void {
    this.unlisten = this.notifier.onTokenRevoked((token) => { if (token === undefined) void this.recheck(); else this.revoked(token); });
    this.timer = setInterval(() => void this.recheck(), this.recheckMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unlisten?.();
  }

  /** Calls `onRevoked` (once) when `token` is revoked; the returned function stops watching. */
  watch(token: string, onRevoked: () => void): () => void {
    let set = this.watched.get(token);
    if (!set) this.watched.set(token, (set = new Set()));
    set.add(onRevoked);
    return () => {
      set.delete(onRevoked);
      if (set.size === 0 && this.watched.get(token) === set) this.watched.delete(token);
    };
  }

  private revoked(token: string): void {
    const set = this.watched.get(token);
    if (!set) return;
    this.watched.delete(token);
    for (const onRevoked of set) {
      try { onRevoked(); } catch (e) { this.log.error({ err: e, token }, 'closing a revoked token\'s request failed'); }
    }
  }

  private async recheck(): Promise<void> {
    if (this.watched.size === 0 || this.checking) return;
    this.checking = true;
    try {
      for (const token of await findRevokedApiTokens(this.db, [...this.watched.keys()])) this.revoked(token);
    } catch (e) {
      this.log.warn({ err: e }, 'checking for revoked tokens failed; will retry');
    } finally {
      this.checking = false;
    }
  }
}
