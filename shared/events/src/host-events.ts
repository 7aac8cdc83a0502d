import type { NewEvent, RecordedEvent } from './event-envelope';

/** Events a host's agent reports about what its Open vSwitch actually did. */
export const HostEventType = {
  NetworkStartedOnHost: 'NetworkStartedOnHost',
  NetworkStoppedOnHost: 'NetworkStoppedOnHost',
  NetworkFailedOnHost: 'NetworkFailedOnHost',
  AgentStarted: 'AgentStarted',
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
export interface AgentStartedV1 { host: string; agentVersion: string }

export type HostEventData =
  | { type: typeof HostEventType.NetworkStartedOnHost; v: 1; data: NetworkStartedOnHostV1 }
  | { type: typeof HostEventType.NetworkStoppedOnHost; v: 1; data: NetworkStoppedOnHostV1 }
  | { type: typeof HostEventType.NetworkFailedOnHost; v: 1; data: NetworkFailedOnHostV1 }
  | { type: typeof HostEventType.AgentStarted; v: 1; data: AgentStartedV1 };

export type NewHostEvent = NewEvent & HostEventData;
export type RecordedHostEvent = RecordedEvent & HostEventData;

export function isHostEventType(type: string): type is HostEventType {
  return (Object.values(HostEventType) as string[]).includes(type);
}

/** The host an event speaks for (the API checks it against the subject it arrived on). */
export function hostOfEvent(event: HostEventData): string {
  return event.data.host;
}
