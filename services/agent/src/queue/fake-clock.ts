import type { QueueClock } from './work-queue';

/** A QueueClock that only moves when told to, for tests of what waits on time. Pure. */
export class FakeClock implements QueueClock {
  private t = 0;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  now(): number { return this.t; }
  schedule(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn, cancelled: false };
    this.timers.push(timer);
    return () => { timer.cancelled = true; };
  }
  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => !x.cancelled && x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.t = until;
  }
  get pending(): number { return this.timers.filter((x) => !x.cancelled).length; }
}
