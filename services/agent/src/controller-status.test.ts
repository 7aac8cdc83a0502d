import { describe, expect, it } from 'vitest';
import { ControllerStatusTracker } from './controller-status';
import type { ObservedBridge, ObservedController } from './plan/observed-bridge';

const controller = (over: Partial<ObservedController>): ObservedController => ({
  uuid: 'c1', target: 'tcp:127.0.0.1:6633', connectionMode: undefined, maxBackoffMs: undefined, inactivityProbeMs: undefined,
  rateLimit: undefined, burstLimit: undefined, isConnected: false, ...over,
});
const bridge = (c: ObservedController, owned = true): ObservedBridge => ({
  uuid: 'b1', name: 'dp0', otherConfig: {}, failMode: undefined, controllers: [c],
  externalIds: owned ? { 'netfleet-owner': 'netfleet', 'netfleet-network': 'ofnet', 'netfleet-generation': '3' } : {},
});

describe('ControllerStatusTracker', () => {
  it('reports once OVS has a state, then only when the connection flips or the error changes', () => {
    const t = new ControllerStatusTracker();
    expect(t.changes([bridge(controller({}))])).toEqual([]); // no status yet
    expect(t.changes([bridge(controller({ state: 'BACKOFF', lastError: 'Connection refused' }))])).toEqual([
      { network: 'ofnet', generation: 3, bridge: 'dp0', target: 'tcp:127.0.0.1:6633', connected: false, state: 'BACKOFF', lastError: 'Connection refused' },
    ]);
    expect(t.changes([bridge(controller({ state: 'CONNECTING', lastError: 'Connection refused' }))])).toEqual([]);
    expect(t.changes([bridge(controller({ state: 'ACTIVE', isConnected: true }))])).toMatchObject([{ connected: true, state: 'ACTIVE' }]);
    expect(t.changes([bridge(controller({ state: 'ACTIVE', isConnected: true }))])).toEqual([]);
    expect(t.changes([bridge(controller({ state: 'BACKOFF', lastError: 'End of file' }))])).toMatchObject([{ connected: false, lastError: 'End of file' }]);
  });

  it('ignores bridges netfleet does not own', () => {
    expect(new ControllerStatusTracker().changes([bridge(controller({ state: 'ACTIVE', isConnected: true }), false)])).toEqual([]);
  });
});
