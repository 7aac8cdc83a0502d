import type { DomainDef } from './network-def.ts';
import { isMulticastMac, parseMac } from './mac-address.ts';
import type { At, ParseContext } from './parse-context.ts';

/** `<mac address/>`: the bridge's own MAC, lowercased; never a multicast address. */
export function parseBridgeMac(ctx: ParseContext, at: At): string | undefined {
  const text = ctx.required(at, 'address');
  if (text === undefined) return undefined;
  const mac = parseMac(text);
  if (!mac) ctx.invalid(at, 'address', text, 'must be a MAC address (aa:bb:cc:dd:ee:ff)');
  else if (isMulticastMac(mac)) ctx.invalid(at, 'address', text, 'must not be a multicast address');
  else return mac;
  return undefined;
}

/** `<mtu size/>`. */
export function parseMtu(ctx: ParseContext, at: At): number | undefined {
  if (ctx.required(at, 'size') === undefined) return undefined;
  return ctx.integer(at, 'size', 1, 65535);
}

/** `<domain name localOnly/>`. */
export function parseDomain(ctx: ParseContext, at: At): DomainDef | undefined {
  const name = ctx.required(at, 'name');
  if (name === undefined) return undefined;
  const def: DomainDef = { name };
  const localOnly = ctx.yesNo(at, 'localOnly');
  if (localOnly !== undefined) def.localOnly = localOnly;
  return def;
}

/** `<port isolated/>`: whether guest ports may talk to each other. */
export function parsePortIsolated(ctx: ParseContext, at: At): boolean | undefined {
  return ctx.yesNo(at, 'isolated');
}
