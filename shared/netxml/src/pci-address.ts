import type { PciAddressDef } from './network-def.ts';

/** `0000:03:00.3`, how libvirt names a PCI device in messages. */
export function pciAddressName(address: PciAddressDef): string {
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  return `${hex(address.domain, 4)}:${hex(address.bus, 2)}:${hex(address.slot, 2)}.${address.function}`;
}
