import { ForwardMode, type ForwardDef, type ForwardInterfaceDef, type ForwardNatDef, type PciAddressDef } from './network-def.ts';
import { compareIp, parseIpv4 } from './ip-address.ts';
import { pciAddressName } from './pci-address.ts';
import { interfaceNameProblem } from './interface-name.ts';
import { childrenNamed, singleChild, type At, type ParseContext } from './parse-context.ts';

const DRIVER_NAMES = ['default', 'kvm', 'vfio', 'xen'] as const;

/** `<forward>`: mode (nat when absent), dev, managed, driver, nat, pf, interfaces/addresses. */
export function parseForward(ctx: ParseContext, at: At): ForwardDef {
  const mode = ctx.oneOf(at, 'mode', Object.values(ForwardMode)) ?? ForwardMode.Nat;
  const def: ForwardDef = { mode, interfaces: [] };

  if (mode === 'hostdev') {
    const managed = ctx.yesNo(at, 'managed');
    if (managed !== undefined) def.managed = managed;
  }
  const driverAt = singleChild(ctx, at, 'driver');
  if (driverAt) {
    const name = ctx.oneOf(driverAt, 'name', DRIVER_NAMES);
    if (name !== undefined) def.driverName = name;
  }

  const natAt = singleChild(ctx, at, 'nat');
  if (natAt) {
    if (mode !== 'nat') {
      ctx.element(natAt, `the <nat> element can only be used when <forward> 'mode' is 'nat'${ctx.inNetwork}`);
    } else {
      const nat = parseNat(ctx, natAt);
      if (nat) def.nat = nat;
    }
  }

  const pfs = childrenNamed(at, 'pf');
  for (const extra of pfs.slice(1)) ctx.element(extra, `only one <pf> element is allowed in <forward>${ctx.inNetwork}`);
  if (pfs[0]) {
    const dev = interfaceDev(ctx, pfs[0], ctx.required(pfs[0], 'dev'));
    if (dev !== undefined) def.pf = dev;
  }

  parseInterfaces(ctx, at, def);
  applyForwardDev(ctx, at, def);
  return def;
}

function parseNat(ctx: ParseContext, at: At): ForwardNatDef | undefined {
  const nat: ForwardNatDef = {};
  const ipv6 = ctx.yesNo(at, 'ipv6');
  if (ipv6 === true) nat.ipv6 = true;

  const addressAt = singleChild(ctx, at, 'address');
  if (addressAt) {
    const start = ipv4Attribute(ctx, addressAt, 'start');
    const end = ipv4Attribute(ctx, addressAt, 'end');
    if (start && end) {
      if (compareIp(parseIpv4(start)!, parseIpv4(end)!) > 0) {
        ctx.invalid(addressAt, 'end', end, `must not be below start '${start}'`);
      } else {
        nat.addressStart = start;
        nat.addressEnd = end;
      }
    }
  }

  const portAt = singleChild(ctx, at, 'port');
  if (portAt) {
    const start = ctx.integer(portAt, 'start', 0, 65535);
    const end = ctx.integer(portAt, 'end', 0, 65535);
    if (start !== undefined && end !== undefined && start > end) {
      ctx.invalid(portAt, 'end', String(end), `must not be below start '${start}'`);
    } else {
      if (start !== undefined) nat.portStart = start;
      if (end !== undefined) nat.portEnd = end;
    }
  }
  return Object.keys(nat).length === 0 ? undefined : nat;
}

function ipv4Attribute(ctx: ParseContext, at: At, name: string): string | undefined {
  const value = ctx.required(at, name);
  if (value === undefined) return undefined;
  const ip = parseIpv4(value);
  if (!ip) ctx.invalid(at, name, value, 'must be an IPv4 address');
  return ip?.canonical;
}

/** `<interface dev>` and `<address type='pci'>` children, each listed at most once. */
function parseInterfaces(ctx: ParseContext, at: At, def: ForwardDef): void {
  const devs = new Set<string>();
  for (const interfaceAt of childrenNamed(at, 'interface')) {
    const dev = interfaceDev(ctx, interfaceAt, ctx.required(interfaceAt, 'dev'));
    if (dev === undefined) continue;
    if (devs.has(dev)) {
      ctx.report(
        `${interfaceAt.path}/@dev`,
        interfaceAt.node.line,
        `interface '${dev}' can only be listed once in network ${ctx.networkName}`,
        dev,
      );
      continue;
    }
    devs.add(dev);
    def.interfaces.push({ kind: 'netdev', dev });
  }

  const addressAts = childrenNamed(at, 'address');
  if (addressAts.length > 0 && devs.size > 0) {
    ctx.element(addressAts[0]!, `<forward> cannot list both <interface> and <address> elements${ctx.inNetwork}`);
    return;
  }
  if (addressAts.length > 0 && def.mode !== 'hostdev' && def.mode !== 'passthrough') {
    ctx.element(addressAts[0]!, `<address> in <forward> is only allowed with mode 'hostdev' or 'passthrough'${ctx.inNetwork}`);
    return;
  }
  const pcis = new Set<string>();
  for (const addressAt of addressAts) {
    const address = parsePciAddress(ctx, addressAt);
    if (!address) continue;
    const name = pciAddressName(address);
    if (pcis.has(name)) {
      ctx.element(addressAt, `PCI device '${name}' can only be listed once in network ${ctx.networkName}`);
      continue;
    }
    pcis.add(name);
    def.interfaces.push({ kind: 'pci', address });
  }
}

const PCI_LIMITS = { domain: 0xffff, bus: 0xff, slot: 0x1f, function: 7 } as const;

function parsePciAddress(ctx: ParseContext, at: At): PciAddressDef | undefined {
  const type = ctx.required(at, 'type');
  if (type === undefined) return undefined;
  if (type !== 'pci') {
    ctx.invalid(at, 'type', type, "must be 'pci'");
    return undefined;
  }
  const address: PciAddressDef = { domain: 0, bus: 0, slot: 0, function: 0 };
  let ok = true;
  for (const field of Object.keys(PCI_LIMITS) as Array<keyof typeof PCI_LIMITS>) {
    const text = ctx.attr(at, field);
    if (text === undefined) continue;
    const value = /^0x[0-9a-fA-F]{1,8}$/.test(text) ? parseInt(text.slice(2), 16) : /^[0-9]{1,8}$/.test(text) ? Number(text) : NaN;
    if (!(value >= 0 && value <= PCI_LIMITS[field])) {
      ctx.invalid(at, field, text, `must be a number from 0 to 0x${PCI_LIMITS[field].toString(16)}`);
      ok = false;
    } else address[field] = value;
  }
  return ok ? address : undefined;
}

/**
 * `<forward dev=X>` is shorthand for a first `<interface dev=X/>`; the formatter always writes
 * both, so the two spellings must agree.
 */
function applyForwardDev(ctx: ParseContext, at: At, def: ForwardDef): void {
  const dev = ctx.attr(at, 'dev');
  if (def.mode === 'open' && (dev !== undefined || def.interfaces.length > 0)) {
    const path = dev !== undefined ? `${at.path}/@dev` : `${at.path}/interface`;
    ctx.report(path, at.node.line, `forward dev not allowed for network '${ctx.networkName}' with forward mode='open'`, dev);
    return;
  }
  if (dev === undefined || dev === '' || interfaceDev(ctx, at, dev) === undefined) return;
  const first: ForwardInterfaceDef | undefined = def.interfaces[0];
  if (first === undefined) {
    def.interfaces.push({ kind: 'netdev', dev });
  } else if (first.kind !== 'netdev' || first.dev !== dev) {
    const firstDev = first.kind === 'netdev' ? first.dev : pciAddressName(first.address);
    ctx.invalid(at, 'dev', dev, `must match the first <interface> element's dev '${firstDev}'`);
  }
}

/** A host interface named by `dev`: the kernel's name rules (interface-name.ts), or reported. */
function interfaceDev(ctx: ParseContext, at: At, dev: string | undefined): string | undefined {
  if (dev === undefined) return undefined;
  const problem = interfaceNameProblem(dev);
  if (problem === undefined) return dev;
  ctx.invalid(at, 'dev', dev, problem);
  return undefined;
}
