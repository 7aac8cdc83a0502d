import type { DnsDef, DnsHostDef, DnsSrvDef } from './network-def.ts';
import { parseIp } from './ip-address.ts';
import { childrenNamed, parseEachChild, textOf, type At, type ParseContext } from './parse-context.ts';

/** `<dns enable forwardPlainNames>` with forwarders, TXT, SRV and host records. */
export function parseDns(ctx: ParseContext, at: At): DnsDef | undefined {
  const def: DnsDef = { forwarders: [], txts: [], srvs: [], hosts: [] };
  const enable = ctx.yesNo(at, 'enable');
  if (enable !== undefined) def.enable = enable;
  const forwardPlainNames = ctx.yesNo(at, 'forwardPlainNames');
  if (forwardPlainNames !== undefined) def.forwardPlainNames = forwardPlainNames;

  for (const forwarderAt of childrenNamed(at, 'forwarder')) {
    const domain = ctx.attr(forwarderAt, 'domain');
    const addr = ctx.attr(forwarderAt, 'addr');
    if (domain === undefined && addr === undefined) {
      ctx.element(forwarderAt, `invalid forwarder element${ctx.inNetwork}, must contain at least one of addr or domain`);
      continue;
    }
    const ip = addr === undefined ? undefined : parseIp(addr);
    if (addr !== undefined && !ip) {
      ctx.invalid(forwarderAt, 'addr', addr, 'must be an IPv4 or IPv6 address');
      continue;
    }
    def.forwarders.push({ ...(domain !== undefined && { domain }), ...(ip && { addr: ip.canonical }) });
  }

  for (const txtAt of childrenNamed(at, 'txt')) {
    const name = ctx.required(txtAt, 'name');
    const value = ctx.required(txtAt, 'value');
    if (name !== undefined && /\s/.test(name)) ctx.invalid(txtAt, 'name', name, 'must not contain spaces');
    else if (name !== undefined && value !== undefined) def.txts.push({ name, value });
  }

  def.srvs.push(...parseEachChild(ctx, at, 'srv', parseSrv));
  def.hosts.push(...parseEachChild(ctx, at, 'host', parseDnsHost));

  const records = def.forwarders.length + def.txts.length + def.srvs.length + def.hosts.length;
  if (def.enable === false && (records > 0 || def.forwardPlainNames !== undefined)) {
    ctx.element(at, `Extra data in disabled network '${ctx.networkName}'`);
  }
  const empty = records === 0 && def.enable === undefined && def.forwardPlainNames === undefined;
  return empty ? undefined : def;
}

/** DNS service names are at most 15 characters (RFC 6335). */
const MAX_SERVICE_LENGTH = 15;

function parseSrv(ctx: ParseContext, at: At): DnsSrvDef | undefined {
  const service = ctx.required(at, 'service');
  const protocol =
    ctx.required(at, 'protocol') === undefined ? undefined : ctx.oneOf(at, 'protocol', ['tcp', 'udp'] as const);
  if (service !== undefined && service.length > MAX_SERVICE_LENGTH) {
    ctx.invalid(at, 'service', service, `must be at most ${MAX_SERVICE_LENGTH} characters`);
    return undefined;
  }
  if (service === undefined || protocol === undefined) return undefined;
  const def: DnsSrvDef = { service, protocol };
  const domain = ctx.attr(at, 'domain');
  if (domain !== undefined) def.domain = domain;
  const target = ctx.attr(at, 'target');
  if (target !== undefined) def.target = target;
  for (const field of ['port', 'priority', 'weight'] as const) {
    const value = ctx.integer(at, field, 0, 65535);
    if (value !== undefined) def[field] = value;
  }
  return def;
}

function parseDnsHost(ctx: ParseContext, at: At): DnsHostDef | undefined {
  const ipText = ctx.required(at, 'ip');
  const ip = ipText === undefined ? undefined : parseIp(ipText);
  if (ipText !== undefined && !ip) ctx.invalid(at, 'ip', ipText, 'must be an IPv4 or IPv6 address');
  const hostnames = childrenNamed(at, 'hostname')
    .map((hostnameAt) => textOf(hostnameAt).trim())
    .filter((name) => name !== '');
  if (hostnames.length === 0) ctx.element(at, `DNS host ${ipText ?? ''} has no <hostname>${ctx.inNetwork}`);
  return ip && hostnames.length > 0 ? { ip: ip.canonical, hostnames } : undefined;
}
