import type { ForwardDef, ForwardInterfaceDef } from './network-def.ts';
import { element } from './xml-writer.ts';

/** `<forward dev mode managed>` with driver, nat, pf and interfaces, in libvirt's order. */
export function formatForward(forward: ForwardDef | undefined): string[] {
  if (!forward) return [];
  const first = forward.interfaces[0];
  const dev = first?.kind === 'netdev' ? first.dev : undefined;
  const children = [
    ...(forward.driverName !== undefined ? element('driver', [['name', forward.driverName]]) : []),
    ...formatNat(forward),
    ...(forward.pf !== undefined ? element('pf', [['dev', forward.pf]]) : []),
    ...forward.interfaces.flatMap(formatInterface),
  ];
  const managed = forward.mode === 'hostdev' ? forward.managed : undefined;
  return element('forward', [['dev', dev], ['mode', forward.mode], ['managed', managed]], children);
}

function formatNat(forward: ForwardDef): string[] {
  const nat = forward.nat;
  if (!nat || forward.mode !== 'nat') return [];
  const children = [
    ...(nat.addressStart !== undefined ? element('address', [['start', nat.addressStart], ['end', nat.addressEnd]]) : []),
    ...(nat.portStart !== undefined || nat.portEnd !== undefined ? element('port', [['start', nat.portStart], ['end', nat.portEnd]]) : []),
  ];
  const ipv6 = nat.ipv6 === true ? true : undefined;
  if (children.length === 0 && ipv6 === undefined) return [];
  return element('nat', [['ipv6', ipv6]], children);
}

function formatInterface(item: ForwardInterfaceDef): string[] {
  if (item.kind === 'netdev') return element('interface', [['dev', item.dev]]);
  const { domain, bus, slot, function: fn } = item.address;
  const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, '0')}`;
  return element('address', [
    ['type', 'pci'],
    ['domain', hex(domain, 4)],
    ['bus', hex(bus, 2)],
    ['slot', hex(slot, 2)],
    ['function', `0x${fn.toString(16)}`],
  ]);
}
