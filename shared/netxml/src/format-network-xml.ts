import type { NetworkDef } from './network-def.ts';
import { formatLibvirtElements } from './format-libvirt-elements.ts';
import { formatMetadata } from './format-metadata.ts';
import { formatOvsExtension } from './format-ovs-extension.ts';
import { DNSMASQ_NAMESPACE } from './parse-dnsmasq-options.ts';
import { attributes, indent, textElement } from './xml-writer.ts';

/**
 * `NetworkDef` → XML in libvirt's canonical form: fixed element and attribute order, single
 * quotes, two-space indent, trailing newline (what `virsh net-dumpxml` prints).
 */
export function formatNetworkXml(def: NetworkDef): string {
  const ovs = def.type === 'ovs-datapath';
  const rootAttributes = attributes([
    ['type', ovs ? def.type : undefined],
    ['xmlns:dnsmasq', !ovs && def.dnsmasqOptions.length > 0 ? DNSMASQ_NAMESPACE : undefined],
    ['ipv6', !ovs && def.ipv6 === true ? true : undefined],
    ['trustGuestRxFilters', ovs ? undefined : def.trustGuestRxFilters],
  ]);
  const body = [
    textElement('name', def.name),
    ...(def.uuid !== undefined ? [textElement('uuid', def.uuid)] : []),
    ...formatMetadata(def.metadata),
    ...(ovs ? formatOvsExtension(def) : formatLibvirtElements(def)),
  ];
  return [`<network${rootAttributes}>`, ...indent(body), '</network>', ''].join('\n');
}
