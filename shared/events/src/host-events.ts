import { eventTypeGuard, type EventDataOf } from './event-data';

/**
 * Events about a host: what its agent reports about its Open vSwitch, and (registration,
 * liveness) what the API records about it. They live on the host's stream, `host:<name>`.
 */
export const HostEventType = {
  NetworkStartedOnHost: 'NetworkStartedOnHost',
  NetworkStoppedOnHost: 'NetworkStoppedOnHost',
  NetworkFailedOnHost: 'NetworkFailedOnHost',
  AgentStarted: 'AgentStarted',
  ControllerConnectionChanged: 'ControllerConnectionChanged',
  DriftDetected: 'DriftDetected',
  PortAttached: 'PortAttached',
  PortDetached: 'PortDetached',
  HostRegistered: 'HostRegistered',
  HostWentOffline: 'HostWentOffline',
  HostCameOnline: 'HostCameOnline',
} as const;
export type HostEventType = (typeof HostEventType)[keyof typeof HostEventType];

interface HostNetworkOutcome {
  host: string;
  network: string;
  /** The network generation the agent applied (or failed to apply). */
  generation: number;
}
export interface NetworkStartedOnHostV1 extends HostNetworkOutcome {
  bridge: string;
  /** Attributes OVS cannot honour and other things the operator should know. */
  warnings: string[];
}
export interface NetworkStoppedOnHostV1 extends HostNetworkOutcome {}
export interface NetworkFailedOnHostV1 extends HostNetworkOutcome {
  code: string;
  /** What went wrong, with Open vSwitch's own error text where it has one. */
  error: string;
}
export interface AgentStartedV1 {
  host: string;
  agentVersion: string;
  /** The host's libvirt as its agent drives it: the `virsh -c` URI, or LIBVIRT_NOT_CONFIGURED (absent in older agents). */
  libvirt?: string;
}
/** What an agent without a libvirt URI reports: a state of the host, not an error. */
export const LIBVIRT_NOT_CONFIGURED = 'not configured';
/** A datapath's OpenFlow controller connection changed, as OVS reports it (Controller status). */
export interface ControllerConnectionChangedV1 extends HostNetworkOutcome {
  bridge: string;
  target: string;
  connected: boolean;
  /** OVS's Controller status:state (ACTIVE, BACKOFF, CONNECTING, IDLE, VOID). */
  state?: string;
  /** OVS's Controller status:last_error. */
  lastError?: string;
}
/** What the agent found different from the desired state on its host, and whether it repaired it. */
export interface DriftDetectedV1 extends HostNetworkOutcome {
  bridge: string;
  /** One line per difference, e.g. "controller target tcp:10.0.0.9:6633 != tcp:127.0.0.1:6633". */
  differences: string[];
  repaired: boolean;
}
/**
 * An interface on a network's bridge, as OVS's Interface row shows it. libvirt stamps the ones it
 * plugs in for a VM (`external_ids` attached-mac, iface-id, vm-id); a port without them is no VM's.
 */
export interface PortOnHostV1 {
  host: string;
  network: string;
  bridge: string;
  /** The interface (and port) name, e.g. vnet0. */
  interface: string;
  /** external_ids:attached-mac, lowercase. */
  mac?: string;
  /** external_ids:vm-id: the domain's uuid. */
  vmUuid?: string;
  /** external_ids:iface-id: libvirt's interface uuid. */
  ifaceId?: string;
  /** The domain's name, where the host's libvirt could tell it. */
  domain?: string;
}
export interface PortAttachedV1 extends PortOnHostV1 {}
export interface PortDetachedV1 extends PortOnHostV1 {}
/** An admin registered a host (or changed its labels). Recorded by the API. */
export interface HostRegisteredV1 { host: string; labels: Record<string, string> }
/** The API stopped hearing the host's heartbeats. */
export interface HostWentOfflineV1 { host: string; lastSeen: string }
export interface HostCameOnlineV1 { host: string }

export type HostEventData = EventDataOf<{
  [HostEventType.NetworkStartedOnHost]: NetworkStartedOnHostV1;
  [HostEventType.NetworkStoppedOnHost]: NetworkStoppedOnHostV1;
  [HostEventType.NetworkFailedOnHost]: NetworkFailedOnHostV1;
  [HostEventType.AgentStarted]: AgentStartedV1;
  [HostEventType.ControllerConnectionChanged]: ControllerConnectionChangedV1;
  [HostEventType.DriftDetected]: DriftDetectedV1;
  [HostEventType.PortAttached]: PortAttachedV1;
  [HostEventType.PortDetached]: PortDetachedV1;
  [HostEventType.HostRegistered]: HostRegisteredV1;
  [HostEventType.HostWentOffline]: HostWentOfflineV1;
  [HostEventType.HostCameOnline]: HostCameOnlineV1;
}>;

export const isHostEventType = eventTypeGuard(HostEventType);

/** The events only an agent may report (the API refuses others arriving from the bus). */
export const AGENT_REPORTED_TYPES: readonly HostEventType[] = [
  HostEventType.NetworkStartedOnHost, HostEventType.NetworkStoppedOnHost, HostEventType.NetworkFailedOnHost,
  HostEventType.AgentStarted, HostEventType.ControllerConnectionChanged, HostEventType.DriftDetected,
  HostEventType.PortAttached, HostEventType.PortDetached,
];
