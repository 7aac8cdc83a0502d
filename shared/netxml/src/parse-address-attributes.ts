import { netmaskPrefix, parseIp, type ParsedIp } from './ip-address.ts';
import type { At, ParseContext } from './parse-context.ts';

/** An address of the `<ip>`'s family (or any family when it names none). */
export function parseFamilyAddress(
  ctx: ParseContext,
  at: At,
  attribute: string,
  text: string,
  family: 'ipv4' | 'ipv6' | undefined,
): ParsedIp | undefined {
  const ip = parseIp(text);
  if (!ip) ctx.invalid(at, attribute, text, 'must be an IPv4 or IPv6 address');
  else if (family !== undefined && ip.family !== family) ctx.invalid(at, attribute, text, `must be an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address (family '${family}')`);
  else return ip;
  return undefined;
}

/**
 * netmask (IPv4 only) or prefix, not both; records the one given and returns the prefix length
 * in effect, if any is known.
 */
export function subnetPrefix(
  ctx: ParseContext,
  at: At,
  address: ParsedIp,
  def: { netmask?: string; prefix?: number },
): number | undefined {
  const netmaskText = ctx.attr(at, 'netmask');
  const prefixText = ctx.attr(at, 'prefix');
  if (netmaskText !== undefined && prefixText !== undefined) {
    ctx.element(at, `<${at.node.name}> cannot have both a prefix and a netmask${ctx.inNetwork}`);
    return undefined;
  }
  if (netmaskText !== undefined) {
    if (address.family !== 'ipv4') {
      ctx.invalid(at, 'netmask', netmaskText, 'is only allowed with an IPv4 address (use prefix)');
      return undefined;
    }
    const mask = parseIp(netmaskText);
    const length = mask?.family === 'ipv4' ? netmaskPrefix(mask.bytes) : undefined;
    if (!mask || length === undefined) {
      ctx.invalid(at, 'netmask', netmaskText, 'must be a contiguous IPv4 netmask');
      return undefined;
    }
    def.netmask = mask.canonical;
    return length;
  }
  if (prefixText !== undefined) {
    const prefix = ctx.integer(at, 'prefix', 0, address.family === 'ipv4' ? 32 : 128);
    if (prefix !== undefined) def.prefix = prefix;
    return prefix;
  }
  return undefined;
}
