/**
 * Numeric IP addresses, parsed strictly and written back canonically (lowercase, RFC 5952
 * zero compression), as libvirt writes what the C library's inet_ntop gives it.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedIp {
  family: IpFamily;
  /** 4 bytes or 16 bytes. */
  bytes: number[];
  canonical: string;
}

export function parseIp(text: string): ParsedIp | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

export function parseIpv4(text: string): ParsedIp | undefined {
  const bytes = ipv4Bytes(text);
  return bytes ? { family: 'ipv4', bytes, canonical: bytes.join('.') } : undefined;
}

export function parseIpv6(text: string): ParsedIp | undefined {
  const words = ipv6Words(text);
  if (!words) return undefined;
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  return { family: 'ipv6', bytes, canonical: formatIpv6(words) };
}

/** Dotted quad, each part 0–255 without leading zeros (inet_pton's rule). */
function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes.push(n);
  }
  return bytes;
}

function ipv6Words(text: string): number[] | undefined {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  // An embedded IPv4 address may only end the address.
  const all = [...head, ...tail];
  const v4At = all.findIndex((g) => g.includes('.'));
  if (v4At >= 0 && v4At !== all.length - 1) return undefined;
  const words: number[] = [];
  const expand = (groups: string[]): boolean => {
    for (const group of groups) {
      if (group.includes('.')) {
        const v4 = ipv4Bytes(group);
        if (!v4) return false;
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return false;
        words.push(parseInt(group, 16));
      }
    }
    return true;
  };
  if (!expand(head)) return undefined;
  const headCount = words.length;
  if (!expand(tail)) return undefined;
  if (halves.length === 2) {
    const missing = 8 - words.length;
    if (missing < 1) return undefined;
    words.splice(headCount, 0, ...new Array<number>(missing).fill(0));
  }
  return words.length === 8 ? words : undefined;
}

function groupsOf(half: string): string[] | undefined {
  if (half === '') return [];
  const groups = half.split(':');
  return groups.some((g) => g === '') ? undefined : groups;
}

function formatIpv6(words: number[]): string {
  const zeroPrefix = words.slice(0, 5).every((w) => w === 0);
  // IPv4-mapped and IPv4-compatible addresses keep their dotted tail, as inet_ntop writes them.
  if (zeroPrefix && (words[5] === 0xffff || (words[5] === 0 && (words[6] !== 0 || words[7]! > 1)))) {
    const v4 = `${words[6]! >> 8}.${words[6]! & 0xff}.${words[7]! >> 8}.${words[7]! & 0xff}`;
    return words[5] === 0xffff ? `::ffff:${v4}` : `::${v4}`;
  }
  // The longest run of two or more zero words (the first, on a tie) becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Prefix length of a contiguous IPv4 netmask, or undefined when it isn't one. */
export function netmaskPrefix(bytes: number[]): number | undefined {
  const bits = bytes.map((b) => b.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}

/** Compares two addresses of one family as unsigned big-endian numbers. */
export function compareIp(a: ParsedIp, b: ParsedIp): number {
  for (let i = 0; i < a.bytes.length; i++) {
    const d = a.bytes[i]! - (b.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether `ip` lies in `network`/`prefix`. */
export function inSubnet(ip: ParsedIp, network: ParsedIp, prefix: number): boolean {
  if (ip.family !== network.family) return false;
  for (let bit = 0; bit < prefix; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((ip.bytes[byte]! & mask) !== (network.bytes[byte]! & mask)) return false;
  }
  return true;
}
