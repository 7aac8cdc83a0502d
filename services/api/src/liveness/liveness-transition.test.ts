import { describe, expect, it } from 'vitest';
import { livenessTransition } from './liveness-transition';

const base = { nowMs: 100_000, offlineAfterMs: 6000, listeningSinceMs: 0 };

describe('livenessTransition', () => {
  it('a fresh heartbeat from a host seen offline or never seen: online', () => {
    expect(livenessTransition({ ...base, view: { online: false }, lastSeenMs: 99_000 })).toBe('online');
    expect(livenessTransition({ ...base, view: undefined, lastSeenMs: 99_000 })).toBe('online');
  });
  it('silence past the limit from a host seen online: offline', () => {
    expect(livenessTransition({ ...base, view: { online: true }, lastSeenMs: 90_000 })).toBe('offline');
    expect(livenessTransition({ ...base, view: { online: true }, lastSeenMs: undefined })).toBe('offline');
  });
  it('no change: nothing to record', () => {
    expect(livenessTransition({ ...base, view: { online: true }, lastSeenMs: 99_000 })).toBeUndefined();
    expect(livenessTransition({ ...base, view: { online: false }, lastSeenMs: 90_000 })).toBeUndefined();
    expect(livenessTransition({ ...base, view: undefined, lastSeenMs: undefined })).toBeUndefined();
  });
  it('an instance that just started listening does not call hosts silent yet', () => {
    expect(livenessTransition({ ...base, listeningSinceMs: 97_000, view: { online: true }, lastSeenMs: undefined })).toBeUndefined();
  });
});
