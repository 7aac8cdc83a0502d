/**
 * The fleet view: the read model every `net-list`, `net-info` and `--wait` answers from. It is a
 * fold of the event log (see evolve.ts), so it can be rebuilt from scratch or computed as of any
 * past position.
 */

/** What a host last reported for a network. `pending`: asked, not yet answered. */
export const ObservedState = {
  Pending: 'pending',
  Running: 'running',
  Stopped: 'stopped',
  Failed: 'failed',
} as const;
export type ObservedState = (typeof ObservedState)[keyof typeof ObservedState];

export type DesiredState = 'running' | 'stopped';

export interface HostNetworkStatus {
  host: string;
  desired: DesiredState;
  /** The generation the host was last asked to apply. */
  generation: number;
  observed: ObservedState;
  /** The generation the host last reported an outcome for. */
  appliedGeneration: number | null;
  lastError: string | null;
  warnings: string[];
  /** Correlation id of the command the last outcome answered. */
  correlationId: string | null;
  updatedAt: string;
}

export interface NetworkView {
  name: string;
  uuid: string;
  networkType: 'bridge' | 'ovs-datapath';
  xml: string;
  /** Placement. */
  hosts: string[];
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  /** Bumped by every change to the desired state; stamped on the bridges that apply it. */
  generation: number;
  /** Version of the network's stream (for optimistic concurrency). */
  version: number;
  perHost: Record<string, HostNetworkStatus>;
  definedAt: string;
  updatedAt: string;
}

export interface FleetView {
  networks: Record<string, NetworkView>;
  /** Global position of the last event folded in (0: none). */
  position: number;
}

export const emptyFleetView = (): FleetView => ({ networks: {}, position: 0 });
