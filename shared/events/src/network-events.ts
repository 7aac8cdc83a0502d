import { eventTypeGuard, type EventDataOf } from './event-data';

/** Events an operator's commands record on a network's stream (past tense, versioned). */
export const NetworkEventType = {
  Defined: 'NetworkDefined',
  Started: 'NetworkStarted',
  Destroyed: 'NetworkDestroyed',
  Undefined: 'NetworkUndefined',
  AutostartChanged: 'NetworkAutostartChanged',
  PlacementChanged: 'NetworkPlacementChanged',
} as const;
export type NetworkEventType = (typeof NetworkEventType)[keyof typeof NetworkEventType];

export interface NetworkDefinedV1 {
  name: string;
  uuid: string;
  networkType: 'bridge' | 'ovs-datapath';
  /** The definition in canonical form. */
  xml: string;
  /** Placement: the hosts this network runs on. */
  hosts: string[];
  /** For a redefinition: the unified diff from the previous definition. */
  diff?: string;
  /** False for a transient network (net-create): gone once destroyed. Absent means true. */
  persistent?: boolean;
}
export interface NetworkStartedV1 { name: string; hosts: string[] }
export interface NetworkDestroyedV1 { name: string; hosts: string[] }
export interface NetworkUndefinedV1 { name: string }
export interface NetworkAutostartChangedV1 { name: string; autostart: boolean }
/** The hosts a network runs on changed; `removed` hosts stop it if it was running. */
export interface NetworkPlacementChangedV1 { name: string; hosts: string[]; added: string[]; removed: string[] }

export type NetworkEventData = EventDataOf<{
  [NetworkEventType.Defined]: NetworkDefinedV1;
  [NetworkEventType.Started]: NetworkStartedV1;
  [NetworkEventType.Destroyed]: NetworkDestroyedV1;
  [NetworkEventType.Undefined]: NetworkUndefinedV1;
  [NetworkEventType.AutostartChanged]: NetworkAutostartChangedV1;
  [NetworkEventType.PlacementChanged]: NetworkPlacementChangedV1;
}>;

export const isNetworkEventType = eventTypeGuard(NetworkEventType);
