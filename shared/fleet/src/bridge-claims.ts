import { parseNetworkXml } from '@netfleet/netxml/parse';
import { ovsBridgeOf } from '@netfleet/netxml/ovs-bridge';
import { escapeXml } from '@netfleet/netxml/xml-writer';
import type { NetworkView } from './fleet-view';

/** One network's OVS bridge and the hosts it is placed on: what a bridge conflict is checked against. */
export interface BridgeClaim {
  network: string;
  bridge: string;
  hosts: readonly string[];
}

/**
 * The OVS bridge a network definition needs on each host, by netxml's one answer (ovsBridgeOf):
 * the datapath name or libvirt's OVS bridge name; undefined for other networks. Pure.
 */
export function bridgeOfXml(xml: string): string | undefined {
  const known = BRIDGE_BY_XML.get(xml);
  if (known !== undefined) return known ?? undefined;
  const bridge = ovsBridgeOf(parseNetworkXml(xml))?.bridge;
  if (BRIDGE_BY_XML.size >= MAX_REMEMBERED) BRIDGE_BY_XML.delete(BRIDGE_BY_XML.keys().next().value!);
  BRIDGE_BY_XML.set(xml, bridge ?? null);
  return bridge;
}

/**
 * Every command checks every network's bridge, and parsing a definition costs about a
 * millisecond: the answer is remembered per definition text (the same text, the same answer).
 */
const BRIDGE_BY_XML = new Map<string, string | null>();
const MAX_REMEMBERED = 20_000;

/**
 * How `bridge` stands in a stored (canonical) definition: as written, or escaped as the writer
 * escapes attribute values. A definition holding the bridge contains one of these.
 */
export function spellingsOfBridge(bridge: string): string[] {
  const escaped = escapeXml(bridge);
  return escaped === bridge ? [bridge] : [bridge, escaped];
}

/** The bridges defined networks hold, per network with its hosts. */
export function bridgeClaimsOf(views: readonly Pick<NetworkView, 'name' | 'hosts' | 'xml'>[]): BridgeClaim[] {
  const claims: BridgeClaim[] = [];
  for (const view of views) {
    const bridge = bridgeOfXml(view.xml);
    if (bridge !== undefined) claims.push({ network: view.name, bridge, hosts: view.hosts });
  }
  return claims;
}
