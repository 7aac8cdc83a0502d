import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { NetworkEventType } from '@netfleet/events/network-events';
import type { DesiredState, NetworkView } from './fleet-view';

/** Ids and time for the host commands, passed in (the core reads no clock and no random). */
export interface HostCommandIds { correlationId: string; newId: () => string; now: string }

/**
 * The commands the hosts must receive after an event changed a network's desired state: one
 * ApplyNetwork per placed host, carrying the network's whole desired state at its new generation.
 * Pure: ids and time come from the caller.
 */
export function hostCommandsFor(event: { type: string }, before: NetworkView | undefined, after: NetworkView | undefined, ids: HostCommandIds): ApplyNetworkV1[] {
  if (!after) return [];
  const changesDesiredState =
    event.type === NetworkEventType.Started ||
    event.type === NetworkEventType.Destroyed ||
    ((event.type === NetworkEventType.Defined || event.type === NetworkEventType.PlacementChanged) && after.active) ||
    // A running network's hosts set their libvirt's autostart from it (same generation: OVS is unchanged).
    (event.type === NetworkEventType.AutostartChanged && after.active);
  if (!changesDesiredState) return [];
  const command = (host: string, desired: DesiredState) => applyNetworkFor(after, host, desired, { commandId: ids.newId(), correlationId: ids.correlationId, issuedAt: ids.now });
  const commands = after.hosts.map((host) => command(host, after.active ? 'running' : 'stopped'));
  // Hosts dropped from the placement of a running network stop it.
  for (const host of before?.hosts ?? []) {
    if (!after.hosts.includes(host) && before?.active) commands.push(command(host, 'stopped'));
  }
  return commands;
}

/** The one way an ApplyNetwork is made: the network's whole desired state on one host. */
export function applyNetworkFor(view: NetworkView, host: string, desired: DesiredState, ids: Pick<ApplyNetworkV1, 'commandId' | 'correlationId' | 'issuedAt'>): ApplyNetworkV1 {
  return {
    type: 'ApplyNetwork', v: 1, commandId: ids.commandId, correlationId: ids.correlationId, host,
    network: view.name, uuid: view.uuid, generation: view.generation, desired, autostart: view.autostart, xml: view.xml, issuedAt: ids.issuedAt,
  };
}
