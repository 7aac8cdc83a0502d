import { LeaseUnit, type DhcpDef, type DhcpHostDef, type LeaseDef } from './network-def.ts';
import { compareIp, inSubnet, parseIp, type ParsedIp } from './ip-address.ts';
import { parseMac } from './mac-address.ts';
import { parseFamilyAddress } from './parse-address-attributes.ts';
import { childrenNamed, singleChild, type At, type ParseContext } from './parse-context.ts';

/** `<dhcp>` of one `<ip>`: ranges, static hosts and (IPv4) bootp. */
export function parseDhcp(ctx: ParseContext, at: At, ip: ParsedIp, prefix: number | undefined): DhcpDef | undefined {
  const def: DhcpDef = { ranges: [], hosts: [] };

  for (const rangeAt of childrenNamed(at, 'range')) {
    const startText = ctx.required(rangeAt, 'start');
    const endText = ctx.required(rangeAt, 'end');
    const start = startText === undefined ? undefined : parseFamilyAddress(ctx, rangeAt, 'start', startText, ip.family);
    const end = endText === undefined ? undefined : parseFamilyAddress(ctx, rangeAt, 'end', endText, ip.family);
    if (!start || !end) continue;
    if (compareIp(start, end) > 0) {
      ctx.element(rangeAt, `range ${start.canonical} - ${end.canonical} has its start above its end${ctx.inNetwork}`);
      continue;
    }
    if (prefix !== undefined && !(inSubnet(start, ip, prefix) && inSubnet(end, ip, prefix))) {
      ctx.element(rangeAt, `range ${start.canonical} - ${end.canonical} is not entirely within network ${ip.canonical}/${prefix}${ctx.inNetwork}`);
      continue;
    }
    const lease = parseLease(ctx, rangeAt);
    def.ranges.push({ start: start.canonical, end: end.canonical, ...(lease && { lease }) });
  }

  for (const hostAt of childrenNamed(at, 'host')) {
    const host = parseDhcpHost(ctx, hostAt, ip);
    if (host) def.hosts.push(host);
  }

  const bootpAt = singleChild(ctx, at, 'bootp');
  if (bootpAt) {
    const file = ctx.required(bootpAt, 'file');
    const serverText = ctx.attr(bootpAt, 'server');
    const server = serverText === undefined ? undefined : parseIp(serverText);
    if (ip.family !== 'ipv4') ctx.element(bootpAt, `unsupported <bootp> element in an IPv6 element${ctx.inNetwork}`);
    else if (serverText !== undefined && !server) ctx.invalid(bootpAt, 'server', serverText, 'must be an IP address');
    else if (file !== undefined) def.bootp = { file, ...(server && { server: server.canonical }) };
  }

  return def.ranges.length + def.hosts.length > 0 || def.bootp ? def : undefined;
}

function parseDhcpHost(ctx: ParseContext, at: At, ip: ParsedIp): DhcpHostDef | undefined {
  const host: DhcpHostDef = {};
  const macText = ctx.attr(at, 'mac');
  if (macText !== undefined) {
    const mac = parseMac(macText);
    if (ip.family === 'ipv6') ctx.invalid(at, 'mac', macText, 'is not allowed in an IPv6 static host (use id)');
    else if (!mac) ctx.invalid(at, 'mac', macText, 'must be a MAC address (aa:bb:cc:dd:ee:ff)');
    else host.mac = mac;
  }
  const id = ctx.attr(at, 'id');
  if (id !== undefined) host.id = id;
  const name = ctx.attr(at, 'name');
  if (name !== undefined) host.name = name;
  if (macText === undefined && id === undefined && name === undefined) {
    ctx.element(at, `static host definition${ctx.inNetwork} must have ${ip.family === 'ipv4' ? 'mac' : 'id'} or name attribute`);
  }
  const ipText = ctx.required(at, 'ip', 'a static host needs its address');
  if (ipText !== undefined) {
    const address = parseFamilyAddress(ctx, at, 'ip', ipText, ip.family);
    if (address) host.ip = address.canonical;
  }
  const lease = parseLease(ctx, at);
  if (lease) host.lease = lease;
  return host;
}

/** `<lease expiry unit/>`; expiry 0 is an infinite lease and carries no unit. */
function parseLease(ctx: ParseContext, parent: At): LeaseDef | undefined {
  const at = singleChild(ctx, parent, 'lease');
  if (!at) return undefined;
  if (ctx.required(at, 'expiry') === undefined) return undefined;
  const expiry = ctx.integer(at, 'expiry', 0, 2 ** 32 - 1);
  const unit = ctx.oneOf(at, 'unit', Object.values(LeaseUnit));
  if (expiry === undefined) return undefined;
  return expiry === 0 ? { expiry } : { expiry, unit: unit ?? LeaseUnit.Minutes };
}
