import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settledCheck } from './settled-check';

describe('settledCheck', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('runs once for changes that come together, not before start nor after stop', async () => {
    let runs = 0;
    const watch = settledCheck(async () => { runs++; }, { settleMs: 20, onError: () => {} });
    watch.changed();
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toBe(0);
    watch.start();
    watch.changed();
    watch.changed();
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toBe(1);
    await watch.stop();
    watch.changed();
    await vi.advanceTimersByTimeAsync(50);
    expect(runs).toBe(1);
    expect(watch.active()).toBe(false);
  });

  it('runs once more for changes during a run, and stop waits for the run under way', async () => {
    let runs = 0;
    let release!: () => void;
    const watch = settledCheck(async () => { runs++; if (runs === 1) await new Promise<void>((r) => { release = r; }); }, { settleMs: 20, onError: () => {} });
    watch.start();
    await vi.advanceTimersByTimeAsync(25);
    expect(runs).toBe(1);
    watch.changed();
    watch.changed();
    await vi.advanceTimersByTimeAsync(25);
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(25);
    expect(runs).toBe(2);
    await watch.stop();
  });

  it('hands a failed run to onError and keeps watching', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const watch = settledCheck(async () => { runs++; throw new Error('boom'); }, { settleMs: 20, onError: (e) => errors.push(e) });
    watch.start();
    await vi.advanceTimersByTimeAsync(25);
    watch.changed();
    await vi.advanceTimersByTimeAsync(25);
    expect(runs).toBe(2);
    expect(errors).toHaveLength(2);
    await watch.stop();
  });
});
