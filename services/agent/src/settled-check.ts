/**
 * A check that runs once changes settle: `changed()` calls within `settleMs` of each other give
 * one run, a change during a run gives one more after it, and nothing runs before `start()` or
 * after `stop()` (which waits for a run under way). The drift and port watchers run on it.
 */
export interface SettledCheck {
  changed(): void;
  start(): void;
  stop(): Promise<void>;
  /** Started and not stopped: a check that awaited something asks again before it acts. */
  active(): boolean;
}

export function settledCheck(check: () => Promise<void>, options: { settleMs?: number | undefined; onError: (e: unknown) => void }): SettledCheck {
  let live = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  let again = false;
  const active = () => live && !stopped;
  const schedule = () => {
    if (timer || !active()) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (checking) { again = true; return; }
      checking = check().catch(options.onError).finally(() => {
        checking = undefined;
        if (again) { again = false; schedule(); }
      });
    }, options.settleMs ?? 20);
  };
  return {
    changed: schedule,
    start() { live = true; schedule(); },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await checking;
    },
    active,
  };
}
