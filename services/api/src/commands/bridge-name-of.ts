import { parseNetworkXml } from '@netfleet/netxml/parse';
import type { NetworkDef } from '@netfleet/netxml/model';

/**
 * The OVS bridge a network needs on each host: the datapath name of an ovs-datapath network, or
 * the bridge of libvirt's own OVS form (forward mode='bridge' + virtualport type='openvswitch').
 */
export function bridgeOfDef(def: NetworkDef): string | undefined {
  if (def.type === 'ovs-datapath') return def.datapath?.name;
  if (def.forward?.mode === 'bridge' && def.virtualport?.type === 'openvswitch') return def.bridge?.name;
  return undefined;
}

/** Same, from stored canonical XML (already validated when it was recorded). */
export function bridgeNameOf(xml: string): string | undefined {
  return bridgeOfDef(parseNetworkXml(xml));
}
