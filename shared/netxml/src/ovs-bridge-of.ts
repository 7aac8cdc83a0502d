import type { NetworkDef } from './network-def.ts';

/**
 * The one answer to "which OVS bridge does this network need on a host?", and in which form:
 * - `ovs-datapath`: the RFC's bridge in OpenFlow mode, named by `datapath@name`;
 * - `libvirt-ovs`: libvirt's own Open vSwitch form — `<forward mode='bridge'/>` +
 *   `<bridge name=…/>` + `<virtualport type='openvswitch'/>` — a bridge without a controller.
 * Undefined for any other network, including libvirt's form without a bridge name (libvirt then
 * expects the bridge to exist already, and so does netfleet).
 */
export type OvsBridgeForm = 'ovs-datapath' | 'libvirt-ovs';

export function ovsBridgeOf(def: NetworkDef): { bridge: string; form: OvsBridgeForm } | undefined {
  if (def.type === 'ovs-datapath') return def.datapath ? { bridge: def.datapath.name, form: 'ovs-datapath' } : undefined;
  if (def.forward?.mode !== 'bridge' || def.virtualport?.type !== 'openvswitch') return undefined;
  const bridge = def.bridge?.name;
  // A template name (`ovsbr%d`) is libvirt's to fill in; netfleet needs the bridge's real name.
  return bridge === undefined || bridge.includes('%') ? undefined : { bridge, form: 'libvirt-ovs' };
}
