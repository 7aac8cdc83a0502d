/**
 * The parsed form of a network XML document: libvirt's network definition plus netfleet's
 * `ovs-datapath` extension. Plain data, no behaviour: `parseNetworkXml` builds it and
 * `formatNetworkXml` writes it back in libvirt's canonical form.
 *
 * Optional fields mean "the XML did not say"; the formatter writes only what is set, so a
 * definition round-trips without gaining host-specific values (see the package README).
 */

/** The RFC's default OpenFlow controller port. OVS itself moved to 6653; netfleet keeps 6633. */
export const DEFAULT_CONTROLLER_PORT = 6633;

export const NetworkType = { Bridge: 'bridge', OvsDatapath: 'ovs-datapath' } as const;
export type NetworkType = (typeof NetworkType)[keyof typeof NetworkType];

export const ForwardMode = {
  Nat: 'nat',
  Route: 'route',
  Open: 'open',
  Bridge: 'bridge',
  Private: 'private',
  Vepa: 'vepa',
  Passthrough: 'passthrough',
  Hostdev: 'hostdev',
} as const;
export type ForwardMode = (typeof ForwardMode)[keyof typeof ForwardMode];

export const ControllerProtocol = { Tcp: 'tcp', Ssl: 'ssl', Unix: 'unix' } as const;
export type ControllerProtocol = (typeof ControllerProtocol)[keyof typeof ControllerProtocol];

export const ControllerMode = { Active: 'active', Passive: 'passive' } as const;
export type ControllerMode = (typeof ControllerMode)[keyof typeof ControllerMode];

export const FailMode = { Standalone: 'standalone', Secure: 'secure' } as const;
export type FailMode = (typeof FailMode)[keyof typeof FailMode];

export interface NetworkDef {
  /** 'bridge' when the attribute is absent (libvirt's own networks). */
  type: NetworkType;
  name: string;
  /** Lowercase canonical 8-4-4-4-12. */
  uuid?: string;
  /** `<network ipv6='yes'>`: guest-to-guest IPv6 without a host IPv6 address. */
  ipv6?: boolean;
  trustGuestRxFilters?: boolean;
  /** Children of `<metadata>`, kept verbatim as a small element tree. */
  metadata?: XmlElementDef[];
  forward?: ForwardDef;
  bridge?: BridgeDef;
  mtu?: number;
  /** Lowercase `aa:bb:cc:dd:ee:ff`. */
  mac?: string;
  domain?: DomainDef;
  dns?: DnsDef;
  vlan?: VlanDef;
  bandwidth?: BandwidthDef;
  /** `<port isolated='yes'/>`. */
  portIsolated?: boolean;
  ips: IpDef[];
  routes: RouteDef[];
  virtualport?: VirtualPortDef;
  portgroups: PortGroupDef[];
  /** `<dnsmasq:options>` values (libvirt's dnsmasq XML namespace). */
  dnsmasqOptions: string[];

  // netfleet's ovs-datapath extension
  datapath?: DatapathDef;
  controllers: ControllerDef[];
  pki?: PkiDef;
}

// --- ovs-datapath -------------------------------------------------------------------------

export interface DatapathDef {
  /** The bridge / interface name. */
  name: string;
  /** 16 lowercase hex digits (OpenFlow datapath id). */
  id?: string;
  mfrdesc?: string;
  hwdesc?: string;
  swdesc?: string;
  failMode?: FailMode;
}

export interface ControllerDef {
  protocol: ControllerProtocol;
  /** passive = OVS listens (ptcp:/pssl:/punix:). */
  mode: ControllerMode;
  /** tcp/ssl: IPv4 or IPv6; optional when passive (the listen address). */
  address?: string;
  /** tcp/ssl: as written; consumers apply DEFAULT_CONTROLLER_PORT when absent. */
  port?: number;
  /** unix only. */
  path?: string;
  outOfBand: boolean;
  maxBackoffMs?: number;
  inactivityProbeMs?: number;
  rateLimit?: number;
  burstLimit?: number;
}

export interface PkiDef {
  privateKey: string;
  certificate: string;
  caCert: string;
}

// --- libvirt's own elements ----------------------------------------------------------------

export interface PciAddressDef {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

/** One `<interface dev=…/>` or `<address type='pci' …/>` child of `<forward>`. */
export type ForwardInterfaceDef = { kind: 'netdev'; dev: string } | { kind: 'pci'; address: PciAddressDef };

export interface ForwardNatDef {
  ipv6?: boolean;
  addressStart?: string;
  addressEnd?: string;
  portStart?: number;
  portEnd?: number;
}

export interface ForwardDef {
  mode: ForwardMode;
  /** hostdev only; as written. */
  managed?: boolean;
  /** `<driver name=…/>` (hostdev). */
  driverName?: string;
  nat?: ForwardNatDef;
  /** `<pf dev=…/>`: at most one. */
  pf?: string;
  /** The first netdev interface is what libvirt writes as `<forward dev=…>`. */
  interfaces: ForwardInterfaceDef[];
}

export const MacTableManager = { Kernel: 'kernel', Libvirt: 'libvirt' } as const;
export type MacTableManager = (typeof MacTableManager)[keyof typeof MacTableManager];

export interface BridgeDef {
  name?: string;
  zone?: string;
  /** Only for isolated/nat/route/open networks; libvirt's default is on. */
  stp?: boolean;
  /** Seconds; only for isolated/nat/route/open networks; libvirt's default is 0. */
  delay?: number;
  macTableManager?: MacTableManager;
}

export interface DomainDef {
  name: string;
  localOnly?: boolean;
}

export interface DnsForwarderDef {
  domain?: string;
  addr?: string;
}

export interface DnsTxtDef {
  name: string;
  value: string;
}

export interface DnsSrvDef {
  service: string;
  protocol: 'tcp' | 'udp';
  domain?: string;
  target?: string;
  port?: number;
  priority?: number;
  weight?: number;
}

export interface DnsHostDef {
  ip: string;
  hostnames: string[];
}

export interface DnsDef {
  enable?: boolean;
  forwardPlainNames?: boolean;
  forwarders: DnsForwarderDef[];
  txts: DnsTxtDef[];
  srvs: DnsSrvDef[];
  hosts: DnsHostDef[];
}

export interface VlanTagDef {
  id: number;
  nativeMode?: 'tagged' | 'untagged';
}

export interface VlanDef {
  trunk: boolean;
  tags: VlanTagDef[];
}

export interface BandwidthRateDef {
  average?: number;
  peak?: number;
  floor?: number;
  burst?: number;
}

export interface BandwidthDef {
  inbound?: BandwidthRateDef;
  outbound?: BandwidthRateDef;
}

export const LeaseUnit = { Seconds: 'seconds', Minutes: 'minutes', Hours: 'hours' } as const;
export type LeaseUnit = (typeof LeaseUnit)[keyof typeof LeaseUnit];

/** `expiry` 0 means an infinite lease. */
export interface LeaseDef {
  expiry: number;
  unit?: LeaseUnit;
}

export interface DhcpRangeDef {
  start: string;
  end: string;
  lease?: LeaseDef;
}

export interface DhcpHostDef {
  mac?: string;
  /** DHCPv6 client DUID. */
  id?: string;
  name?: string;
  ip?: string;
  lease?: LeaseDef;
}

export interface DhcpDef {
  ranges: DhcpRangeDef[];
  hosts: DhcpHostDef[];
  bootp?: { file: string; server?: string };
}

export interface IpDef {
  /** As written; absent means "from the address". */
  family?: 'ipv4' | 'ipv6';
  address?: string;
  netmask?: string;
  prefix?: number;
  localPtr?: boolean;
  tftpRoot?: string;
  dhcp?: DhcpDef;
}

export interface RouteDef {
  family?: 'ipv4' | 'ipv6';
  address: string;
  netmask?: string;
  prefix?: number;
  gateway: string;
  metric?: number;
}

export const VirtualPortType = {
  Qbg: '802.1Qbg',
  Qbh: '802.1Qbh',
  OpenVSwitch: 'openvswitch',
  Midonet: 'midonet',
} as const;
export type VirtualPortType = (typeof VirtualPortType)[keyof typeof VirtualPortType];

export interface VirtualPortDef {
  /** Absent: the type comes from the port group or the interface using the network. */
  type?: VirtualPortType;
  managerId?: number;
  typeId?: number;
  typeIdVersion?: number;
  instanceId?: string;
  interfaceId?: string;
  profileId?: string;
}

export interface PortGroupDef {
  name: string;
  isDefault?: boolean;
  trustGuestRxFilters?: boolean;
  vlan?: VlanDef;
  virtualport?: VirtualPortDef;
  bandwidth?: BandwidthDef;
}

/** A foreign element kept as written (inside `<metadata>`). */
export interface XmlElementDef {
  name: string;
  attributes: Array<[name: string, value: string]>;
  children: Array<XmlElementDef | string>;
}
