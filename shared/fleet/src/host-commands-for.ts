import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { NetworkEventType } from '@netfleet/events/network-events';
import type { NetworkView } from './fleet-view';

/**
 * The commands the hosts must receive after an event changed a network's desired state: one
 * ApplyNetwork per placed host, carrying the network's whole desired state at its new generation.
 * Pure: ids and time come from the caller.
 */
export function hostCommandsFor(
  event: { type: string },
  before: NetworkView | undefined,
  after: NetworkView | undefined,
  ids: { correlationId: string; newId: () => string; now: string },
): ApplyNetworkV1[] {
  if (!after) return [];
  const changesDesiredState =
    event.type === NetworkEventType.Started ||
    event.type === NetworkEventType.Destroyed ||
    ((event.type === NetworkEventType.Defined || event.type === NetworkEventType.PlacementChanged) && after.active);
  if (!changesDesiredState) return [];
  const command = (host: string, desired: 'running' | 'stopped'): ApplyNetworkV1 => ({
    type: 'ApplyNetwork', v: 1, commandId: ids.newId(), correlationId: ids.correlationId, host,
    network: after.name, uuid: after.uuid, generation: after.generation, desired, xml: after.xml, issuedAt: ids.now,
  });
  const commands = after.hosts.map((host) => command(host, after.active ? 'running' : 'stopped'));
  // Hosts dropped from the placement of a running network stop it.
  for (const host of before?.hosts ?? []) {
    if (!after.hosts.includes(host) && before?.active) commands.push(command(host, 'stopped'));
  }
  return commands;
}
