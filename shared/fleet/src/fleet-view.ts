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
  /** The datapath's OpenFlow controller connections, as the host last reported them. */
  controllers: ControllerStatus[];
  /** The last drift the host found (and repaired) on this network's bridge. */
  lastDrift: { differences: string[]; repaired: boolean; at: string } | null;
  /** The interfaces on the network's bridge here, VMs' and others (absent in views older than ports). */
  ports?: PortStatus[];
  updatedAt: string;
}

/** An interface on a network's bridge on one host; `vmUuid` null: no VM owns it. */
export interface PortStatus {
  interface: string;
  bridge: string;
  mac: string | null;
  vmUuid: string | null;
  /** The VM's name, where the host's libvirt could tell it. */
  domain: string | null;
  since: string;
}

export interface ControllerStatus {
  target: string;
  connected: boolean;
  state: string | null;
  lastError: string | null;
  /** When it last changed. */
  since: string;
}

/** A host of the fleet: registered by an admin and/or seen through its agent. */
export interface HostView {
  name: string;
  labels: Record<string, string>;
  registered: boolean;
  online: boolean;
  /** When `online` last changed (or the host was first seen). */
  since: string;
  agentVersion: string | null;
  /** The host's libvirt as its agent last said: a URI or "not configured"; absent: not reported. */
  libvirt?: string;
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
  hosts: Record<string, HostView>;
  /** Global position of the last event folded in (0: none). */
  position: number;
}

export const emptyFleetView = (): FleetView => ({ networks: {}, hosts: {}, position: 0 });
