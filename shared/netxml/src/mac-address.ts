/** `aa:bb:cc:dd:ee:ff` in lowercase, or undefined. libvirt writes MACs in lowercase. */
export function parseMac(text: string): string | undefined {
  const parts = text.split(':');
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.map((p) => p.toLowerCase().padStart(2, '0')).join(':');
}

/** The group bit: a bridge cannot own a multicast address. */
export function isMulticastMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
