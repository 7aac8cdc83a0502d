import type { IpDef } from './network-def.ts';
import { parseFamilyAddress, subnetPrefix } from './parse-address-attributes.ts';
import { parseDhcp } from './parse-dhcp.ts';
import { singleChild, type At, type ParseContext } from './parse-context.ts';

/** `<ip family address netmask prefix localPtr>` with `<tftp root/>` and `<dhcp>`. */
export function parseIpElement(ctx: ParseContext, at: At): IpDef | undefined {
  const def: IpDef = {};
  const family = ctx.oneOf(at, 'family', ['ipv4', 'ipv6'] as const);
  if (family !== undefined) def.family = family;

  const addressText = ctx.required(at, 'address');
  const address = addressText === undefined ? undefined : parseFamilyAddress(ctx, at, 'address', addressText, family);
  if (!address) return undefined;
  def.address = address.canonical;
  const prefix = subnetPrefix(ctx, at, address, def);

  const localPtr = ctx.yesNo(at, 'localPtr');
  if (localPtr !== undefined) def.localPtr = localPtr;

  const tftpAt = singleChild(ctx, at, 'tftp');
  if (tftpAt) {
    const root = ctx.required(tftpAt, 'root');
    if (address.family !== 'ipv4') ctx.element(tftpAt, `unsupported <tftp> element in an IPv6 element${ctx.inNetwork}`);
    else if (root !== undefined) def.tftpRoot = root;
  }

  const dhcpAt = singleChild(ctx, at, 'dhcp');
  if (dhcpAt) {
    const dhcp = parseDhcp(ctx, dhcpAt, address, prefix);
    if (dhcp) def.dhcp = dhcp;
  }
  return def;
}
