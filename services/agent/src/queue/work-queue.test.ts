import { describe, expect, it } from 'vitest';
import { PerKeyBackoff } from './per-key-backoff';
import { FakeClock } from './fake-clock';
import { WorkQueue } from './work-queue';

const queue = () => {
  const clock = new FakeClock();
  let wakeups = 0;
  const q = new WorkQueue<string>({ clock, onReady: () => { wakeups++; } });
  return { q, clock, wakeups: () => wakeups };
};

describe('PerKeyBackoff', () => {
  it('doubles from 5 ms per key up to the 60 s cap, and forget starts over', () => {
    const b = new PerKeyBackoff<string>();
    const delays = Array.from({ length: 16 }, () => b.next('a'));
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(delays.at(-1)).toBe(60_000);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(b.next('other')).toBe(5); // per key
    expect(b.retries('a')).toBe(16);
    b.forget('a');
    expect(b.retries('a')).toBe(0);
    expect(b.next('a')).toBe(5);
  });

  it('stays at the cap however many failures', () => {
    const b = new PerKeyBackoff<string>(5, 1000);
    for (let i = 0; i < 2000; i++) b.next('k');
    expect(b.next('k')).toBe(1000);
  });
});

describe('WorkQueue', () => {
  it('de-duplicates keys and hands out every ready key at once', () => {
    const { q, wakeups } = queue();
    q.add('a'); q.add('b'); q.add('a');
    expect(wakeups()).toBe(2);
    expect(q.take().sort()).toEqual(['a', 'b']);
    expect(q.take()).toEqual([]);
    q.done(['a', 'b']);
    expect(q.isIdle).toBe(true);
  });

  it('a key added while it is processed runs again once done, not twice at once', () => {
    const { q } = queue();
    q.add('a');
    expect(q.take()).toEqual(['a']);
    q.add('a');
    expect(q.take()).toEqual([]); // not while processing
    q.done(['a']);
    expect(q.take()).toEqual(['a']);
  });

  it('a retriable failure comes back after its backoff, doubling each time', () => {
    const { q, clock } = queue();
    const readyAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      q.add('a');
      q.take();
      q.addRateLimited('a');
      q.done(['a']);
      const start = clock.now();
      while (!q.hasReady) clock.advance(1);
      readyAt.push(clock.now() - start);
      q.take(); q.done(['a']);
      // the retry itself fails too: the next add below is the retry's rate-limited requeue
    }
    expect(readyAt).toEqual([5, 10, 20, 40]);
  });

  it('forget after a success cancels the pending retry and resets the backoff', () => {
    const { q, clock } = queue();
    q.add('a'); q.take(); q.addRateLimited('a'); q.done(['a']);
    expect(q.retryAt('a')).toBe(5);
    q.forget('a');
    expect(q.retryAt('a')).toBeUndefined();
    clock.advance(1000);
    expect(q.hasReady).toBe(false);
    expect(q.retries('a')).toBe(0);
  });

  it('an add while a key waits out its backoff runs it now and drops the timer', () => {
    const { q, clock } = queue();
    for (let i = 0; i < 5; i++) q.addRateLimited('a'); // 5 failures: next wait is 80 ms
    expect(q.retryAt('a')).toBe(5);
    q.add('a');
    expect(q.retryAt('a')).toBeUndefined();
    expect(q.take()).toEqual(['a']);
    expect(clock.pending).toBe(0);
  });

  it('keeps the earlier of two wake-ups for one key', () => {
    const { q, clock } = queue();
    q.addAfter('a', 100);
    q.addAfter('a', 500);
    expect(q.retryAt('a')).toBe(100);
    q.addAfter('a', 50);
    expect(q.retryAt('a')).toBe(50);
    clock.advance(50);
    expect(q.take()).toEqual(['a']);
    clock.advance(1000);
    q.done(['a']);
    expect(q.take()).toEqual([]); // the 100 ms wake-up was replaced, not kept
  });

  it('a rate-limited requeue of a key already marked to run again is not delayed', () => {
    const { q } = queue();
    q.add('a'); q.take();
    q.add('a'); // a new command while the failing pass ran
    q.addRateLimited('a');
    q.done(['a']);
    expect(q.take()).toEqual(['a']);
  });

  it('shutDown cancels pending retries and ignores adds', () => {
    const { q, clock } = queue();
    q.addRateLimited('a');
    q.shutDown();
    expect(clock.pending).toBe(0);
    q.add('b');
    expect(q.take()).toEqual([]);
  });
});
