import type { NetworkDef } from './network-def.ts';

/**
 * The OVS bridge netfleet can start for libvirt's own Open vSwitch form —
 * `<forward mode='bridge'/>` + `<bridge name=…/>` + `<virtualport type='openvswitch'/>` — an OVS
 * bridge without a controller. Undefined for any other network, including that form without a
 * bridge name (libvirt then expects the bridge to exist already, and so does netfleet).
 *
 * ovs-datapath networks are not this form: their bridge is `def.datapath.name`.
 */
export function ovsBridgeOf(def: NetworkDef): { bridge: string } | undefined {
  if (def.type !== 'bridge') return undefined;
  if (def.forward?.mode !== 'bridge' || def.virtualport?.type !== 'openvswitch') return undefined;
  const bridge = def.bridge?.name;
  return bridge === undefined ? undefined : { bridge };
}
