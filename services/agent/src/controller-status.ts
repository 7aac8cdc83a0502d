import { OwnershipMark } from './plan/bridge-spec';
import { isOwned } from './plan/plan-host';
import type { ObservedBridge } from './plan/observed-bridge';

/** One controller connection of one owned datapath, as OVS reports it. */
export interface ControllerConnection {
  network: string;
  generation: number;
  bridge: string;
  target: string;
  connected: boolean;
  state?: string;
  lastError?: string;
}

const keyOf = (c: Pick<ControllerConnection, 'bridge' | 'target'>) => `${c.bridge}\u0000${c.target}`;

/**
 * Remembers what was last reported per (bridge, controller target) and says what changed. OVS
 * refreshes Controller status with its statistics (every ~5 s); nothing is reported for a
 * controller OVS has not reported on yet (no status:state). A change is: connected flipped, or —
 * while disconnected — a new last_error. The BACKOFF/CONNECTING cycling of a controller that is
 * down is not news. Pure.
 */
export class ControllerStatusTracker {
  private readonly reported = new Map<string, ControllerConnection>();

  changes(bridges: ObservedBridge[]): ControllerConnection[] {
    const seen = new Set<string>();
    const out: ControllerConnection[] = [];
    for (const bridge of bridges) {
      if (!isOwned(bridge)) continue;
      const network = bridge.externalIds[OwnershipMark.network];
      if (!network) continue;
      const generation = Number(bridge.externalIds[OwnershipMark.generation] ?? 0);
      for (const c of bridge.controllers) {
        const now: ControllerConnection = {
          network, generation, bridge: bridge.name, target: c.target, connected: c.isConnected,
          ...(c.state !== undefined ? { state: c.state } : {}),
          ...(c.lastError !== undefined ? { lastError: c.lastError } : {}),
        };
        const key = keyOf(now);
        seen.add(key);
        if (c.state === undefined && !c.isConnected) continue; // OVS has not said anything yet
        const before = this.reported.get(key);
        const changed = !before || before.connected !== now.connected || before.network !== now.network ||
          (!now.connected && (before.lastError ?? '') !== (now.lastError ?? ''));
        if (changed) out.push(now);
        this.reported.set(key, now);
      }
    }
    for (const key of [...this.reported.keys()]) if (!seen.has(key)) this.reported.delete(key);
    return out;
  }
}
