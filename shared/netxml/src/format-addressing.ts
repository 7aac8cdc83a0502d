import type { DhcpDef, IpDef, LeaseDef, RouteDef } from './network-def.ts';
import { element, lowerCaseAttributes, openElement } from './xml-writer.ts';

/** `<ip>` is always written with an open and a close tag, as libvirt does. */
export function formatIp(ip: IpDef): string[] {
  const children = [...(ip.tftpRoot !== undefined ? element('tftp', [['root', ip.tftpRoot]]) : []), ...formatDhcp(ip.dhcp)];
  return openElement(
    'ip',
    [
      ['family', ip.family],
      ['address', ip.address],
      ['netmask', ip.netmask],
      ['prefix', ip.prefix],
      ['localPtr', ip.localPtr],
    ],
    children,
  );
}

function formatDhcp(dhcp: DhcpDef | undefined): string[] {
  if (!dhcp || (dhcp.ranges.length === 0 && dhcp.hosts.length === 0 && !dhcp.bootp)) return [];
  return element('dhcp', [], [
    ...dhcp.ranges.flatMap((r) => element('range', [['start', r.start], ['end', r.end]], formatLease(r.lease))),
    ...dhcp.hosts.flatMap((h) =>
      element('host', [['mac', h.mac], ['id', h.id], ['name', h.name], ['ip', h.ip]], formatLease(h.lease)),
    ),
    ...(dhcp.bootp ? element('bootp', [['file', dhcp.bootp.file], ['server', dhcp.bootp.server]]) : []),
  ]);
}

function formatLease(lease: LeaseDef | undefined): string[] {
  if (!lease) return [];
  return element('lease', [['expiry', lease.expiry], ['unit', lease.expiry === 0 ? undefined : (lease.unit ?? 'minutes')]]);
}

export function formatRoute(route: RouteDef): string[] {
  return element('route', lowerCaseAttributes(route, ['family', 'address', 'netmask', 'prefix', 'gateway', 'metric']));
}
