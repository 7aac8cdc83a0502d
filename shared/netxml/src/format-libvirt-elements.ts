import type { NetworkDef } from './network-def.ts';
import { formatIp, formatRoute } from './format-addressing.ts';
import { formatBridge } from './format-bridge.ts';
import { formatDomain, formatMac, formatMtu, formatPort } from './format-small-elements.ts';
import { formatDns } from './format-dns.ts';
import { formatForward } from './format-forward.ts';
import { formatBandwidth, formatPortGroup, formatVirtualPort, formatVlan } from './format-port-settings.ts';
import { element } from './xml-writer.ts';

/** libvirt's own elements after name/uuid/metadata, in the order libvirt writes them. */
export function formatLibvirtElements(def: NetworkDef): string[] {
  return [
    ...formatForward(def.forward),
    ...formatBridge(def),
    ...formatMtu(def.mtu),
    ...formatMac(def.mac),
    ...formatDomain(def),
    ...formatDns(def.dns),
    ...formatVlan(def.vlan),
    ...formatBandwidth(def.bandwidth),
    ...formatPort(def.portIsolated),
    ...def.ips.flatMap(formatIp),
    ...def.routes.flatMap(formatRoute),
    ...formatVirtualPort(def.virtualport),
    ...def.portgroups.flatMap(formatPortGroup),
    ...(def.dnsmasqOptions.length > 0
      ? element('dnsmasq:options', [], def.dnsmasqOptions.flatMap((value) => element('dnsmasq:option', [['value', value]])))
      : []),
  ];
}
