import { parseNetworkXml } from '@netfleet/netxml/parse';
import type { NetworkDef } from '@netfleet/netxml/model';
import { ovsBridgeOf } from '@netfleet/netxml/ovs-bridge';

/**
 * The OVS bridge a network needs on each host: the datapath name of an ovs-datapath network, or
 * the bridge of libvirt's own OVS form (forward mode='bridge' + virtualport type='openvswitch').
 */
export function bridgeOfDef(def: NetworkDef): string | undefined {
  return def.type === 'ovs-datapath' ? def.datapath?.name : ovsBridgeOf(def)?.bridge;
}

/** Same, from stored canonical XML (already validated when it was recorded). */
export function bridgeNameOf(xml: string): string | undefined {
  return bridgeOfDef(parseNetworkXml(xml));
}
