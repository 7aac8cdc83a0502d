/**
 * Something that says "look again": the event store's NOTIFY at commit, output arriving on a
 * stream, … `subscribe` returns the unsubscribe.
 */
export type WakeSource = (wake: () => void) => () => void;

export interface UntilOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** What wakes a re-check. Without one, the check is re-run every `pollMs`. */
  wake?: WakeSource;
  /**
   * Re-check at least this often. Default: 100 ms without `wake`, never with one (a wake source
   * must fire on every change). For state nothing announces (OVS, a process's files), a short poll.
   */
  pollMs?: number;
}

/**
 * Resolves with `check()`'s first answer that is neither undefined nor false, re-evaluated
 * whenever `wake` fires (or every `pollMs`), or fails after `timeoutMs` saying what it waited
 * for. A wake during a check is not lost: the check runs again. A check that throws fails at once
 * (catch inside the check what may fail while the state is still coming).
 */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, options: UntilOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollMs = options.pollMs ?? (options.wake ? undefined : 100);
  const deadline = Date.now() + timeoutMs;
  let woken = false;
  let wakeUp: () => void = () => {};
  const unsubscribe = options.wake?.(() => { woken = true; wakeUp(); });
  try {
    for (;;) {
      woken = false;
      const answer = await check();
      if (answer !== undefined && answer !== false) return answer;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs === undefined ? left : Math.min(left, pollMs));
        wakeUp = () => { clearTimeout(timer); resolve(); };
      });
      wakeUp = () => {};
    }
  } finally {
    unsubscribe?.();
  }
}

/** Wakes on every chunk a readable stream (a child's stdout) emits. */
export const onData = (stream: NodeJS.ReadableStream): WakeSource => (wake) => {
  stream.on('data', wake);
  return () => { stream.off('data', wake); };
};
