import { assertNever } from '@netfleet/errors/assert-never';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { NetworkEventType, type NetworkEventData } from '@netfleet/events/network-events';
import { bridgeOfXml, type BridgeClaim } from './bridge-claims';
import type { NetworkView } from './fleet-view';
import { xmlDiff } from './xml-diff';

/** What a definition command carries, once the API has parsed and validated the XML. */
export interface NetworkDefinition {
  name: string;
  uuid: string;
  networkType: 'bridge' | 'ovs-datapath';
  /** Canonical XML of the new definition. */
  xml: string;
  /** Placement; empty on a redefinition keeps the current one. */
  hosts: string[];
}

/** Operator commands about one network (imperative). */
export type NetworkCommand =
  | ({ type: 'DefineNetwork' } & NetworkDefinition)
  /** net-create: a transient network, defined and started at once, gone once destroyed. */
  | ({ type: 'CreateNetwork' } & NetworkDefinition)
  | { type: 'StartNetwork'; name: string }
  | { type: 'DestroyNetwork'; name: string }
  /** `destroyFirst`: stop it where it runs, then undefine (net-undefine --destroy). */
  | { type: 'UndefineNetwork'; name: string; destroyFirst?: boolean }
  | { type: 'SetAutostart'; name: string; autostart: boolean }
  | { type: 'ChangePlacement'; name: string; hosts: string[] };

export interface DecideContext {
  /**
   * The bridges defined networks hold per host (bridgeClaimsOf), at least every claim of the
   * bridge the command claims (claimedBridge): a command that changes what runs where is checked
   * against them. The command's own network may be among them; it never conflicts with itself.
   */
  bridgesInUse: readonly BridgeClaim[];
}

/**
 * Decides which events a command records, given the network's current view, or refuses it with
 * a NetfleetError naming what is wrong and what to do. Pure.
 */
export function decideNetwork(command: NetworkCommand, view: NetworkView | undefined, context: DecideContext): NetworkEventData[] {
  switch (command.type) {
    case 'DefineNetwork':
      return decideDefine(command, view, context);
    case 'CreateNetwork': {
      if (view) throw new NetfleetError('NF_NETWORK_EXISTS', { network: command.name, uuid: view.uuid, todo: 'use net-start to start it' });
      const [defined] = decideDefine({ ...command, type: 'DefineNetwork' }, undefined, context);
      const data = { ...(defined!.data as Extract<NetworkEventData, { type: 'NetworkDefined' }>['data']), persistent: false };
      return [{ type: NetworkEventType.Defined, v: 1, data }, { type: NetworkEventType.Started, v: 1, data: { name: command.name, hosts: data.hosts } }];
    }
    case 'StartNetwork': {
      const current = requireNetwork(view, command.name);
      if (current.active) throw new NetfleetError('NF_NETWORK_ALREADY_ACTIVE', { network: command.name });
      checkBridgeConflicts(command.name, claimedBridge(command, current), current.hosts, context);
      return [{ type: NetworkEventType.Started, v: 1, data: { name: command.name, hosts: current.hosts } }];
    }
    case 'DestroyNetwork': {
      const current = requireNetwork(view, command.name);
      if (!current.active) throw new NetfleetError('NF_NETWORK_NOT_ACTIVE', { network: command.name });
      return [{ type: NetworkEventType.Destroyed, v: 1, data: { name: command.name, hosts: current.hosts } }];
    }
    case 'UndefineNetwork': {
      const current = requireNetwork(view, command.name);
      const undefine: NetworkEventData = { type: NetworkEventType.Undefined, v: 1, data: { name: command.name } };
      if (!current.active) return [undefine];
      if (!command.destroyFirst) throw new NetfleetError('NF_NETWORK_ACTIVE', { network: command.name, hosts: current.hosts });
      return [{ type: NetworkEventType.Destroyed, v: 1, data: { name: command.name, hosts: current.hosts } }, undefine];
    }
    case 'SetAutostart': {
      const current = requireNetwork(view, command.name);
      if (!current.persistent) throw new NetfleetError('NF_NETWORK_TRANSIENT', { network: command.name });
      if (current.autostart === command.autostart) return [];
      checkBridgeConflicts(command.name, claimedBridge(command, current), current.hosts, context);
      return [{ type: NetworkEventType.AutostartChanged, v: 1, data: { name: command.name, autostart: command.autostart } }];
    }
    case 'ChangePlacement': {
      const current = requireNetwork(view, command.name);
      const hosts = unique(command.hosts);
      if (hosts.length === 0) throw new NetfleetError('NF_NETWORK_NO_PLACEMENT', { network: command.name, problem: 'needs at least one host; to stop it everywhere use net-destroy' });
      const added = hosts.filter((h) => !current.hosts.includes(h));
      const removed = current.hosts.filter((h) => !hosts.includes(h));
      if (added.length === 0 && removed.length === 0) return [];
      checkBridgeConflicts(command.name, claimedBridge(command, current), hosts, context);
      return [{ type: NetworkEventType.PlacementChanged, v: 1, data: { name: command.name, hosts, added, removed } }];
    }
    default:
      return assertNever(command, 'command');
  }
}

function decideDefine(command: Extract<NetworkCommand, { type: 'DefineNetwork' }>, view: NetworkView | undefined, context: DecideContext): NetworkEventData[] {
  if (view && view.uuid !== command.uuid) {
    throw new NetfleetError('NF_NETWORK_EXISTS', { network: command.name, uuid: view.uuid, todo: 'to redefine it, keep its uuid (or leave <uuid> out)' });
  }
  const hosts = command.hosts.length > 0 ? unique(command.hosts) : (view?.hosts ?? []);
  if (hosts.length === 0) {
    throw new NetfleetError('NF_NETWORK_NO_PLACEMENT', { network: command.name, problem: 'has no hosts to run on; name at least one with --host' });
  }
  checkBridgeConflicts(command.name, claimedBridge(command, view), hosts, context);
  const diff = view && view.xml !== command.xml ? xmlDiff(command.name, view.xml, command.xml) : undefined;
  return [{
    type: NetworkEventType.Defined, v: 1,
    data: { name: command.name, uuid: command.uuid, networkType: command.networkType, xml: command.xml, hosts, ...(diff ? { diff } : {}) },
  }];
}

/**
 * The OVS bridge `command` makes its network hold on its hosts, which no other network may hold on
 * any of them; undefined when it claims none (a destroy, an undefine, autostart off, a network
 * without an OVS bridge). The store reads only the networks that could conflict with it.
 */
export function claimedBridge(command: NetworkCommand, view: NetworkView | undefined): string | undefined {
  switch (command.type) {
    case 'DefineNetwork':
    case 'CreateNetwork':
      return bridgeOfXml(command.xml);
    case 'StartNetwork':
    case 'ChangePlacement':
      return view ? bridgeOfXml(view.xml) : undefined;
    case 'SetAutostart':
      // Autostart decides what runs when an agent starts: the same rule as a start.
      return command.autostart && view ? bridgeOfXml(view.xml) : undefined;
    case 'DestroyNetwork':
    case 'UndefineNetwork':
      return undefined;
    default:
      return assertNever(command, 'command');
  }
}

/** Two networks may not use the same bridge name on one host. */
function checkBridgeConflicts(name: string, bridge: string | undefined, hosts: readonly string[], context: DecideContext): void {
  if (bridge === undefined) return;
  for (const other of context.bridgesInUse) {
    if (other.network === name || other.bridge !== bridge) continue;
    const shared = other.hosts.filter((h) => hosts.includes(h));
    if (shared.length > 0) {
      throw new NetfleetError('NF_NETWORK_BRIDGE_CONFLICT', { network: name, bridge, conflictsWith: other.network, hosts: shared });
    }
  }
}

function requireNetwork(view: NetworkView | undefined, name: string): NetworkView {
  if (!view) throw new NetfleetError('NF_NETWORK_NOT_FOUND', { network: name });
  return view;
}


const unique = (values: string[]) => [...new Set(values)];
