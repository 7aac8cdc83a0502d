import { formatNetworkXml } from '@netfleet/netxml/format';
import type { NetworkDef, XmlElementDef } from '@netfleet/netxml/model';
import { parseNetworkXml } from '@netfleet/netxml/parse';

/** netfleet's namespace in a libvirt network's `<metadata>`: the mark of the networks it registered. */
export const LIBVIRT_METADATA_NS = 'https://netfleet.dev/xmlns/libvirt-network/1';
const MARK_ELEMENT = 'netfleet:network';

/** What one running network should be in the host's libvirt: an existing OVS bridge, by name. */
export interface LibvirtNetworkSpec {
  network: string;
  uuid: string;
  bridge: string;
  autostart: boolean;
}

/** A network libvirt has on this host, as `net-dumpxml` and `net-info` describe it. */
export interface ObservedLibvirtNetwork {
  name: string;
  uuid: string;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  /** It carries netfleet's mark: netfleet registered it and may change or remove it. */
  owned: boolean;
  /** The libvirt form netfleet compares: "bridge dp0 / forward bridge / virtualport openvswitch". */
  bridge: string | undefined;
  forwardMode: string | undefined;
  virtualport: string | undefined;
  /** The definition as libvirt wrote it (for a diff when it changed). */
  xml: string;
}

/** libvirt's form of a network on an existing OVS bridge, with netfleet's ownership mark. */
export function libvirtNetworkDef(spec: LibvirtNetworkSpec): NetworkDef {
  const mark: XmlElementDef = { name: MARK_ELEMENT, attributes: [['xmlns:netfleet', LIBVIRT_METADATA_NS], ['owner', 'netfleet']], children: [] };
  return {
    type: 'bridge', name: spec.network, uuid: spec.uuid, metadata: [mark],
    forward: { mode: 'bridge', interfaces: [] }, bridge: { name: spec.bridge }, virtualport: { type: 'openvswitch' },
    ips: [], routes: [], portgroups: [], dnsmasqOptions: [], controllers: [],
  };
}

export function libvirtNetworkXml(spec: LibvirtNetworkSpec): string {
  return formatNetworkXml(libvirtNetworkDef(spec));
}

/** Reads what libvirt says about one network (its XML, and net-info's flags). Pure. */
export function observedLibvirtNetworkOf(xml: string, flags: { active: boolean; persistent: boolean; autostart: boolean }): ObservedLibvirtNetwork {
  let def: NetworkDef | undefined;
  try {
    def = parseNetworkXml(xml);
  } catch {
    // A definition netfleet cannot read is not one it wrote.
  }
  const name = def?.name ?? /<name>([^<]*)<\/name>/.exec(xml)?.[1] ?? '';
  return {
    name, uuid: def?.uuid ?? '', ...flags,
    owned: (def?.metadata ?? []).some(isNetfleetMark),
    bridge: def?.bridge?.name, forwardMode: def?.forward?.mode, virtualport: def?.virtualport?.type, xml,
  };
}

function isNetfleetMark(e: XmlElementDef): boolean {
  const ns = e.attributes.find(([n]) => n === 'xmlns' || n.startsWith('xmlns:'))?.[1];
  return ns === LIBVIRT_METADATA_NS && e.attributes.some(([n, v]) => n === 'owner' && v === 'netfleet');
}
