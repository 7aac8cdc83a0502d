/**
 * Exponential backoff per key, the way client-go's ItemExponentialFailureRateLimiter does it:
 * the n-th consecutive failure of a key waits `baseMs * 2^(n-1)`, capped at `capMs`; `forget`
 * (after a success, or a failure that must not be retried) starts the key over. Pure: no clock.
 */
export class PerKeyBackoff<K> {
  private readonly failures = new Map<K, number>();

  constructor(readonly baseMs = 5, readonly capMs = 60_000) {}

  /** Counts one more failure of `key` and returns how long to wait before trying it again. */
  next(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long after the cap: Math.min keeps it finite.
    return Math.min(this.capMs, this.baseMs * 2 ** n);
  }

  /** Consecutive failures counted for `key` since it was last forgotten. */
  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: K): void {
    this.failures.delete(key);
  }
}
