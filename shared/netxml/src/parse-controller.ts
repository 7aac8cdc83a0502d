import { ControllerMode, ControllerProtocol, type ControllerDef } from './network-def.ts';
import { parseIp } from './ip-address.ts';
import { rejectChildElements, rejectUnknownAttributes } from './reject-unknown.ts';
import { unixSocketPathProblem } from './path-rules.ts';
import type { At, ParseContext } from './parse-context.ts';

const ATTRIBUTES = [
  'protocol',
  'mode',
  'address',
  'port',
  'path',
  'outofband',
  'maxbackoff',
  'inactivityprobe',
  'ratelimit',
  'burstlimit',
];

/** OVS's own limits for the Controller columns (ovs-vswitchd.conf.db(5)). */
export const MIN_MAX_BACKOFF_MS = 1000;
/** OVS's connection code raises any shorter probe interval to 5 s; 0 turns probes off. */
export const MIN_INACTIVITY_PROBE_MS = 5000;
export const MIN_RATE_LIMIT = 100;
export const MIN_BURST_LIMIT = 25;
const MAX_INT32 = 2 ** 31 - 1;

/**
 * `<controller protocol mode address port path outofband maxbackoff inactivityprobe ratelimit
 * burstlimit/>`: one OpenFlow controller connection (active) or listener (passive).
 */
export function parseController(ctx: ParseContext, at: At): ControllerDef | undefined {
  rejectUnknownAttributes(ctx, at, ATTRIBUTES);
  rejectChildElements(ctx, at);
  const protocolText = ctx.required(at, 'protocol', "one of 'tcp', 'ssl', 'unix'");
  const protocol = protocolText === undefined ? undefined : ctx.oneOf(at, 'protocol', Object.values(ControllerProtocol));
  const mode = ctx.oneOf(at, 'mode', Object.values(ControllerMode)) ?? ControllerMode.Active;
  const def: ControllerDef = { protocol: protocol ?? 'tcp', mode, outOfBand: ctx.yesNo(at, 'outofband') ?? false };

  const address = ctx.attr(at, 'address');
  const port = ctx.attr(at, 'port');
  const path = ctx.attr(at, 'path');

  if (protocol === 'unix') {
    if (address !== undefined) ctx.invalid(at, 'address', address, "is not allowed with protocol 'unix' (use path)");
    if (port !== undefined) ctx.invalid(at, 'port', port, "is not allowed with protocol 'unix'");
    const socketPath = ctx.required(at, 'path', "protocol 'unix' needs the socket path");
    if (socketPath !== undefined) {
      const problem = unixSocketPathProblem(socketPath);
      if (problem) ctx.invalid(at, 'path', socketPath, problem);
      else def.path = socketPath;
    }
  } else if (protocol !== undefined) {
    if (path !== undefined) ctx.invalid(at, 'path', path, `is not allowed with protocol '${protocol}' (use address and port)`);
    if (address === undefined || address === '') {
      if (mode === 'active') ctx.missing(at, 'address', `an active ${protocol} controller needs an IPv4 or IPv6 address`);
    } else {
      const problem = controllerAddressProblem(address);
      if (problem) ctx.invalid(at, 'address', address, problem);
      else def.address = parseIp(address)!.canonical;
    }
    const portNumber = ctx.integer(at, 'port', 1, 65535);
    if (portNumber !== undefined) def.port = portNumber;
  }

  const maxBackoff = ctx.integer(at, 'maxbackoff', MIN_MAX_BACKOFF_MS, MAX_INT32);
  if (maxBackoff !== undefined) def.maxBackoffMs = maxBackoff;

  const probe = ctx.attr(at, 'inactivityprobe');
  if (probe !== undefined) {
    const ms = /^[0-9]{1,10}$/.test(probe) ? Number(probe) : NaN;
    if (!(ms === 0 || (ms >= MIN_INACTIVITY_PROBE_MS && ms <= MAX_INT32))) {
      ctx.invalid(at, 'inactivityprobe', probe, `must be 0 (off) or from ${MIN_INACTIVITY_PROBE_MS} to ${MAX_INT32} milliseconds`);
    } else def.inactivityProbeMs = ms;
  }

  const rate = ctx.integer(at, 'ratelimit', MIN_RATE_LIMIT, MAX_INT32);
  if (rate !== undefined) def.rateLimit = rate;
  const burst = ctx.integer(at, 'burstlimit', MIN_BURST_LIMIT, MAX_INT32);
  if (burst !== undefined) {
    if (ctx.attr(at, 'ratelimit') === undefined) {
      ctx.invalid(at, 'burstlimit', String(burst), 'needs ratelimit as well (OVS ignores a burst limit without a rate limit)');
    } else def.burstLimit = burst;
  }
  return protocol === undefined ? undefined : def;
}

/**
 * An IP literal OVS can connect to or listen on. OVS would take a zone id (`fe80::1%eth0`) and
 * resolve it against the host's interfaces at connect time, so a definition valid on one host
 * breaks on the next: refused, like host names. Multicast and broadcast can carry no TCP stream.
 */
function controllerAddressProblem(address: string): string | undefined {
  if (address.includes('%')) return 'must not carry an IPv6 zone id (it names an interface of one host)';
  if (address.startsWith('[')) return 'must be written without brackets';
  const ip = parseIp(address);
  if (!ip) return 'must be an IPv4 or IPv6 address';
  const [first] = ip.bytes;
  if ((ip.family === 'ipv4' && first! >= 224 && first! <= 239) || (ip.family === 'ipv6' && first === 0xff)) {
    return 'must not be a multicast address (TCP cannot use it)';
  }
  if (ip.canonical === '255.255.255.255') return 'must not be the broadcast address (TCP cannot use it)';
  return undefined;
}
