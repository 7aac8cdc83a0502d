import { NetworkType, type NetworkDef } from './network-def.ts';
import { checkForwardModeRules } from './check-forward-mode-rules.ts';
import { parseBandwidth } from './parse-bandwidth.ts';
import { parseBridge } from './parse-bridge.ts';
import { childElements, childrenNamed, parseEachChild, parseSingleChild, singleChild, textOf, type At, type ParseContext } from './parse-context.ts';
import { parseDns } from './parse-dns.ts';
import { parseDnsmasqOptions } from './parse-dnsmasq-options.ts';
import { parseForward } from './parse-forward.ts';
import { parseIpElement } from './parse-ip.ts';
import { parseMetadata } from './parse-metadata.ts';
import { OVS_DATAPATH_ELEMENTS, OVS_ONLY_ELEMENTS, parseOvsExtension } from './parse-ovs-extension.ts';
import { parsePortGroups } from './parse-portgroup.ts';
import { parseRoute } from './parse-route.ts';
import { parseBridgeMac, parseDomain, parseMtu, parsePortIsolated } from './parse-small-elements.ts';
import { parseVirtualPort } from './parse-virtualport.ts';
import { parseVlan } from './parse-vlan.ts';
import { parseUuid } from './uuid.ts';

export interface ParseNetworkOptions {
  /** Called when `<uuid>` is missing, as libvirt generates one; the parser itself stays pure. */
  newUuid?: () => string;
}

/** The `<network>` element, every problem collected in `ctx`. */
export function parseNetworkElement(ctx: ParseContext, root: At, options: ParseNetworkOptions): NetworkDef {
  const type = ctx.oneOf(root, 'type', Object.values(NetworkType)) ?? NetworkType.Bridge;
  const def: NetworkDef = { type, name: '', ips: [], routes: [], portgroups: [], dnsmasqOptions: [], controllers: [] };

  parseNameAndUuid(ctx, root, def, options);
  const metadataAt = singleChild(ctx, root, 'metadata');
  if (metadataAt) {
    const metadata = parseMetadata(metadataAt);
    if (metadata.length > 0) def.metadata = metadata;
  }

  if (type === NetworkType.OvsDatapath) {
    rejectNonOvsContent(ctx, root);
    parseOvsExtension(ctx, root, def);
  } else {
    for (const name of OVS_ONLY_ELEMENTS) {
      for (const at of childrenNamed(root, name)) {
        ctx.element(at, `<${name}> is only allowed in a network of type='ovs-datapath'${ctx.inNetwork}`);
      }
    }
    parseLibvirtElements(ctx, root, def);
  }
  return def;
}

function parseNameAndUuid(ctx: ParseContext, root: At, def: NetworkDef, options: ParseNetworkOptions): void {
  const nameAt = singleChild(ctx, root, 'name');
  const name = nameAt ? textOf(nameAt) : '';
  if (!nameAt || name === '') {
    ctx.report(`${root.path}/name`, nameAt?.node.line ?? root.node.line, 'missing network name');
  } else if (name.includes('/')) {
    ctx.report(`${root.path}/name`, nameAt.node.line, `name '${name}' cannot contain '/'`, name);
  }
  def.name = name;
  ctx.networkName = name;

  const uuidAt = singleChild(ctx, root, 'uuid');
  if (uuidAt) {
    const text = textOf(uuidAt);
    const uuid = parseUuid(text);
    if (uuid) def.uuid = uuid;
    else ctx.report(uuidAt.path, uuidAt.node.line, `malformed uuid '${text}'${ctx.inNetwork}`, text);
  } else if (options.newUuid) {
    const uuid = parseUuid(options.newUuid());
    if (uuid) def.uuid = uuid;
  }
}

/**
 * libvirt's elements, read as libvirt does: unknown elements are ignored, and each known one
 * is read wherever it stands (the formatter puts them in canonical order).
 */
function parseLibvirtElements(ctx: ParseContext, root: At, def: NetworkDef): void {
  const ipv6 = ctx.yesNo(root, 'ipv6');
  if (ipv6 === true) def.ipv6 = true;
  const trust = ctx.yesNo(root, 'trustGuestRxFilters');
  if (trust !== undefined) def.trustGuestRxFilters = trust;

  const forwardAt = singleChild(ctx, root, 'forward');
  if (forwardAt) def.forward = parseForward(ctx, forwardAt);
  const bridgeAt = singleChild(ctx, root, 'bridge');
  if (bridgeAt) def.bridge = parseBridge(ctx, bridgeAt);
  // Only what the document says is set: the formatter writes back exactly that.
  Object.assign(def, definedOnly({
    mtu: parseSingleChild(ctx, root, 'mtu', parseMtu),
    mac: parseSingleChild(ctx, root, 'mac', parseBridgeMac),
    domain: parseSingleChild(ctx, root, 'domain', parseDomain),
    dns: parseSingleChild(ctx, root, 'dns', parseDns),
    vlan: parseSingleChild(ctx, root, 'vlan', parseVlan),
    bandwidth: parseSingleChild(ctx, root, 'bandwidth', parseBandwidth),
    portIsolated: parseSingleChild(ctx, root, 'port', parsePortIsolated),
  }));

  def.ips.push(...parseEachChild(ctx, root, 'ip', parseIpElement));
  def.routes.push(...parseEachChild(ctx, root, 'route', parseRoute));
  const virtualportAt = singleChild(ctx, root, 'virtualport');
  if (virtualportAt) def.virtualport = parseVirtualPort(ctx, virtualportAt);
  def.portgroups = parsePortGroups(ctx, root);
  def.dnsmasqOptions = parseDnsmasqOptions(ctx, root);

  checkForwardModeRules(ctx, root, def);
}

/**
 * netfleet's own network type is strict: every element is either understood or refused, so a
 * typo or a libvirt-only element never silently does nothing on an OVS datapath.
 */
function rejectNonOvsContent(ctx: ParseContext, root: At): void {
  for (const attribute of ['ipv6', 'trustGuestRxFilters']) {
    const value = ctx.attr(root, attribute);
    if (value !== undefined) ctx.invalid(root, attribute, value, "is not supported in a network of type='ovs-datapath'");
  }
  for (const node of childElements(root)) {
    if (OVS_DATAPATH_ELEMENTS.includes(node.name)) continue;
    ctx.report(
      `${root.path}/${node.name}`,
      node.line,
      `element <${node.name}> is not supported in a network of type='ovs-datapath'${ctx.inNetwork} (allowed: ${OVS_DATAPATH_ELEMENTS.join(', ')})`,
    );
  }
}

/** The fields that have a value (a field left undefined is one the document did not give). */
function definedOnly<Fields extends object>(fields: Fields): Partial<Fields> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<Fields>;
}
