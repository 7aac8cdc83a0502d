import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNetworkXml } from './format-network-xml.ts';
import type { ControllerDef, NetworkDef } from './network-def.ts';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';
import { controllerTarget } from './controller-target.ts';
import { parseIp } from './ip-address.ts';

// --- ovs-datapath models, valid by construction --------------------------------------------

const hex = (length: number) =>
  fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length }).map((a) => a.join(''));

/** Any text XML can carry, including the characters the formatter must escape. */
const xmlText = (maxLength: number) =>
  fc
    .string({ unit: fc.constantFrom(...'abcXYZ019 -_./:&<>\'"\t\n€ü\u{1F600}'.split(/(?:)/u)), maxLength })
    .filter((s) => !s.includes('\r'));

const interfaceName = fc
  .string({ unit: fc.constantFrom(...'abcdxyz0189-_.'.split('')), minLength: 1, maxLength: 15 })
  .filter((s) => s !== '.' && s !== '..' && !s.startsWith('-') && !/^[0-9]+$/.test(s));

// The model holds addresses in canonical form, as the parser leaves them.
// Multicast and broadcast are refused for controllers (no TCP to them).
const ipv4 = fc.ipV4().filter((ip) => !/^(22[4-9]|23[0-9])\./.test(ip) && ip !== '255.255.255.255');
const ipv6 = fc.ipV6().map((text) => parseIp(text)!.canonical).filter((ip) => !/^ff/i.test(ip));
const absolutePath = fc
  .array(
    fc.string({ unit: fc.constantFrom(...'abc019-_.'.split('')), minLength: 1, maxLength: 8 }).filter((s) => s !== '.' && s !== '..'),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => `/${parts.join('/')}`);

const controller: fc.Arbitrary<ControllerDef> = fc
  .record(
    {
      protocol: fc.constantFrom('tcp', 'ssl', 'unix' as const),
      mode: fc.constantFrom('active', 'passive' as const),
      address: fc.oneof(ipv4, ipv6),
      port: fc.integer({ min: 1, max: 65535 }),
      path: absolutePath,
      outOfBand: fc.boolean(),
      maxBackoffMs: fc.integer({ min: 1000, max: 2 ** 31 - 1 }),
      inactivityProbeMs: fc.oneof(fc.constant(0), fc.integer({ min: 5000, max: 2 ** 31 - 1 })),
      rateLimit: fc.integer({ min: 100, max: 100_000 }),
      burstLimit: fc.integer({ min: 25, max: 100_000 }),
    },
    { requiredKeys: ['protocol', 'mode', 'outOfBand', 'address', 'path'] },
  )
  .map((c) => {
    const def: ControllerDef = { ...c };
    if (c.protocol === 'unix') {
      delete def.address;
      delete def.port;
    } else {
      delete def.path;
      if (c.mode === 'passive' && c.port === undefined) delete def.address;
    }
    if (def.rateLimit === undefined) delete def.burstLimit;
    return def;
  });

const ovsNetwork: fc.Arbitrary<NetworkDef> = fc
  .record({
    name: xmlText(20).filter((s) => s !== '' && !s.includes('/')),
    uuid: fc.option(fc.uuid(), { nil: undefined }),
    datapath: fc.record(
      {
        name: interfaceName,
        id: hex(16).filter((id) => !/^0+$/.test(id)),
        mfrdesc: xmlText(40),
        hwdesc: xmlText(40),
        swdesc: xmlText(40),
        failMode: fc.constantFrom('standalone', 'secure' as const),
      },
      { requiredKeys: ['name'] },
    ),
    controllers: fc.uniqueArray(controller, { maxLength: 4, selector: controllerTarget }),
    pki: fc.record({ privateKey: absolutePath, certificate: absolutePath, caCert: absolutePath }),
  })
  .map(({ uuid, controllers: generated, pki, ...rest }) => {
    const controllers = listenableControllers(generated, rest.datapath.name);
    const def: NetworkDef = { type: 'ovs-datapath', ...rest, controllers, ips: [], routes: [], portgroups: [], dnsmasqOptions: [] };
    if (uuid !== undefined) def.uuid = uuid;
    if (controllers.some((c) => c.protocol === 'ssl')) def.pki = pki;
    return def;
  });

/**
 * What OVS can listen on: a passive unix socket named `<bridge>.<x>` (not `.mgmt`), and passive
 * tcp/ssl listeners on distinct ports; targets stay unique.
 */
function listenableControllers(controllers: ControllerDef[], bridge: string): ControllerDef[] {
  const kept: ControllerDef[] = [];
  const targets = new Set<string>();
  const ports = new Set<number>();
  for (const c of controllers) {
    const controller = { ...c };
    if (c.protocol === 'unix' && c.mode === 'passive') {
      const file = c.path!.slice(c.path!.lastIndexOf('/') + 1);
      controller.path = `${c.path!.slice(0, c.path!.lastIndexOf('/'))}/${bridge}.${file === 'mgmt' ? 'm' : file}`;
    }
    if (c.protocol !== 'unix' && c.mode === 'passive') {
      const port = c.port ?? 6633;
      if (ports.has(port)) continue;
      ports.add(port);
    }
    const target = controllerTarget(controller);
    if (targets.has(target)) continue;
    targets.add(target);
    kept.push(controller);
  }
  return kept;
}

// --- libvirt documents from the known vocabulary, valid or not -----------------------------

const value = fc.oneof(
  fc.constantFrom(
    'yes', 'no', 'on', 'off', 'nat', 'route', 'open', 'bridge', 'private', 'vepa', 'passthrough', 'hostdev',
    'ipv4', 'ipv6', 'eth0', 'eth1', 'virbr0', '0', '1', '24', '64', '65535', '10.0.0.1', '10.0.0.2',
    '10.0.0.254', '255.255.255.0', '2001:db8::1', '2001:db8::10', '52:54:00:aa:bb:cc', 'openvswitch',
    '802.1Qbg', '802.1Qbh', 'tcp', 'udp', 'pci', '0x0000', '0x01', 'kernel', 'libvirt', 'hours', 'vfio',
    'tagged', 'profile', '', '&amp;', 'a&lt;b',
  ),
  fc.string({ maxLength: 6 }).map((s) => s.replace(/[<&"]/g, '')),
);
/** Which children and attributes each element may have, so generated documents go deep. */
const grammar: Record<string, { children: string[]; attributes: string[] }> = {
  network: {
    children: ['uuid', 'forward', 'bridge', 'mac', 'ip', 'dns', 'mtu', 'domain', 'vlan', 'bandwidth', 'port', 'route', 'virtualport', 'portgroup', 'metadata'],
    attributes: [],
  },
  uuid: { children: [], attributes: [] },
  forward: { children: ['interface', 'address', 'nat', 'pf', 'driver'], attributes: ['mode', 'dev', 'managed'] },
  interface: { children: [], attributes: ['dev'] },
  address: { children: [], attributes: ['type', 'domain', 'bus', 'slot', 'function', 'start', 'end'] },
  nat: { children: ['address', 'port'], attributes: ['ipv6'] },
  port: { children: [], attributes: ['start', 'end', 'isolated'] },
  pf: { children: [], attributes: ['dev'] },
  driver: { children: [], attributes: ['name'] },
  bridge: { children: [], attributes: ['name', 'stp', 'delay', 'macTableManager', 'zone'] },
  mac: { children: [], attributes: ['address'] },
  ip: { children: ['dhcp', 'tftp'], attributes: ['address', 'netmask', 'prefix', 'family', 'localPtr'] },
  dhcp: { children: ['range', 'host', 'bootp'], attributes: [] },
  range: { children: ['lease'], attributes: ['start', 'end'] },
  host: { children: ['lease', 'hostname'], attributes: ['mac', 'id', 'name', 'ip'] },
  lease: { children: [], attributes: ['expiry', 'unit'] },
  bootp: { children: [], attributes: ['file', 'server'] },
  tftp: { children: [], attributes: ['root'] },
  dns: { children: ['txt', 'srv', 'forwarder', 'host'], attributes: ['enable', 'forwardPlainNames'] },
  txt: { children: [], attributes: ['name', 'value'] },
  srv: { children: [], attributes: ['service', 'protocol', 'domain', 'target', 'port', 'priority', 'weight'] },
  forwarder: { children: [], attributes: ['addr', 'domain'] },
  hostname: { children: [], attributes: [] },
  mtu: { children: [], attributes: ['size'] },
  domain: { children: [], attributes: ['name', 'localOnly'] },
  vlan: { children: ['tag'], attributes: ['trunk'] },
  tag: { children: [], attributes: ['id', 'nativeMode'] },
  bandwidth: { children: ['inbound', 'outbound'], attributes: [] },
  inbound: { children: [], attributes: ['average', 'peak', 'burst', 'floor'] },
  outbound: { children: [], attributes: ['average', 'peak', 'burst', 'floor'] },
  route: { children: [], attributes: ['family', 'address', 'netmask', 'prefix', 'gateway', 'metric'] },
  virtualport: { children: ['parameters'], attributes: ['type'] },
  parameters: { children: [], attributes: ['managerid', 'typeid', 'typeidversion', 'instanceid', 'interfaceid', 'profileid'] },
  portgroup: { children: ['vlan', 'virtualport', 'bandwidth'], attributes: ['name', 'default', 'trustGuestRxFilters'] },
  metadata: { children: ['bandwidth', 'tag'], attributes: [] },
};

interface Tree {
  name: string;
  attributes: Array<[string, string]>;
  children: Tree[];
}

/** An element of `name` with children `depth` levels down at most, so generation stays bounded. */
function tree(name: string, depth: number): fc.Arbitrary<Tree> {
  const rule = grammar[name]!;
  const children =
    depth === 0 || rule.children.length === 0
      ? fc.constant<Tree[]>([])
      : fc.array(fc.constantFrom(...rule.children).chain((child) => tree(child, depth - 1)), { maxLength: 3 });
  const attributes =
    rule.attributes.length === 0
      ? fc.constant<Array<[string, string]>>([])
      : fc.uniqueArray(fc.tuple(fc.constantFrom(...rule.attributes), value), { maxLength: 4, selector: ([k]) => k });
  return fc.record({ name: fc.constant(name), attributes, children });
}

function writeTree(t: Tree): string {
  const attrs = t.attributes.map(([k, v]) => ` ${k}="${v}"`).join('');
  return t.children.length === 0 ? `<${t.name}${attrs}/>` : `<${t.name}${attrs}>${t.children.map(writeTree).join('')}</${t.name}>`;
}

const libvirtDocument = fc
  .tuple(fc.constantFrom('', ' ipv6="yes"', ' type="ovs-datapath"'), tree('network', 4))
  .map(([rootAttributes, root]) => `<network${rootAttributes}><name>n</name>${root.children.map(writeTree).join('')}</network>`);

// --- the properties -----------------------------------------------------------------------

const corpusDir = new URL('../test-data/libvirt-networkxml/in/', import.meta.url);
const corpus = readdirSync(corpusDir).map((file) => readFileSync(new URL(file, corpusDir), 'utf8'));

/** Parses, turning only our own error into undefined; anything else fails the property. */
function tryParse(xml: string): NetworkDef | undefined {
  try {
    return parseNetworkXml(xml);
  } catch (error) {
    if (error instanceof NetworkXmlError) {
      expect(error.problems.length).toBeGreaterThan(0);
      return undefined;
    }
    throw error;
  }
}

// Generous timeouts: the run counts are sized for ~2 s here, CI machines may be slower.
describe('properties', () => {
  it('ovs-datapath models survive format → parse unchanged, and formatting is a fixed point', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(ovsNetwork, (model) => {
        const xml = formatNetworkXml(model);
        const parsed = parseNetworkXml(xml);
        expect(parsed).toEqual(model);
        expect(formatNetworkXml(parsed)).toBe(xml);
      }),
      { numRuns: 300 },
    );
  });

  it('formatting any accepted libvirt document is a fixed point', { timeout: 60_000 }, () => {
    let accepted = 0;
    fc.assert(
      fc.property(libvirtDocument, (xml) => {
        const def = tryParse(xml);
        if (!def) return;
        accepted++;
        const once = formatNetworkXml(def);
        expect(formatNetworkXml(parseNetworkXml(once))).toBe(once);
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('throws nothing but NetworkXmlError on generated garbage', { timeout: 60_000 }, () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => void tryParse(text)), { numRuns: 500 });
    fc.assert(fc.property(libvirtDocument, (xml) => void tryParse(xml)), { numRuns: 500 });
  });

  it('throws nothing but NetworkXmlError on mutated corpus documents', { timeout: 60_000 }, () => {
    const mutation = fc.record({
      doc: fc.constantFrom(...corpus),
      at: fc.nat(),
      cut: fc.nat({ max: 8 }),
      insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('<', '>', '&', '"', "'", '/>', '</x>', '<!--', ']]>', '&#0;', '&#x110000;')),
    });
    fc.assert(
      fc.property(mutation, ({ doc, at, cut, insert }) => {
        const i = at % (doc.length + 1);
        const def = tryParse(doc.slice(0, i) + insert + doc.slice(i + cut));
        if (def) {
          const once = formatNetworkXml(def);
          expect(formatNetworkXml(parseNetworkXml(once))).toBe(once);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
