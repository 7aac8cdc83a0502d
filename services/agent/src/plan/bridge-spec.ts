/**
 * What one network wants on one host's Open vSwitch: the agent's desired state, one per bridge.
 * Pure data; `planHost` compares a list of these with what OVS has (`ObservedBridge`).
 */

export interface ControllerSpec {
  /** 'tcp:127.0.0.1:6633', 'ptcp:6633:127.0.0.1', 'ssl:…', 'pssl:…', 'unix:/path', 'punix:/path' → Controller target */
  target: string;
  /** → Controller connection_mode; absent: OVS's default (in-band) */
  connectionMode?: 'in-band' | 'out-of-band';
  /** → Controller max_backoff (ms, >= 1000) */
  maxBackoffMs?: number;
  /** → Controller inactivity_probe (ms, 0 disables) */
  inactivityProbeMs?: number;
  /** → Controller controller_rate_limit (packets/s, >= 100) */
  rateLimit?: number;
  /** → Controller controller_burst_limit (packets, >= 25) */
  burstLimit?: number;
}

export interface BridgeSpec {
  /** netfleet network name */
  network: string;
  networkUuid: string;
  /** the network's generation; stamped on the bridge */
  generation: number;
  /** bridge name (validated upstream; still never passed through a shell) */
  bridge: string;
  /** 16 hex digits, not all zero → other_config:datapath-id */
  datapathId?: string;
  /** → other_config:dp-desc (what `ovs-ofctl dump-desc` shows as "DP Description"), < 256 bytes */
  description?: string;
  /** → Bridge fail_mode; absent: OVS's default (standalone) */
  failMode?: 'standalone' | 'secure';
  /** empty → no controller (a plain OVS bridge) */
  controllers: ControllerSpec[];
  /** attributes OVS can't honour, recorded on the bridge as external_ids */
  extraExternalIds: Record<string, string>;
  /**
   * The network's PKI for ssl:/pssl: controllers. OVS has one SSL configuration per host, so
   * networks on one host must agree on it (else NF_OVS_PKI_CONFLICT).
   */
  ssl?: SslSpec;
}

/** Paths (on the host) of the files OVS's global SSL table points at. */
export interface SslSpec {
  privateKey: string;
  certificate: string;
  caCert: string;
}

/** The ownership marks netfleet stamps on every bridge it creates (external_ids keys). */
export const OwnershipMark = {
  owner: 'netfleet-owner',
  network: 'netfleet-network',
  uuid: 'netfleet-uuid',
  generation: 'netfleet-generation',
} as const;
export type OwnershipMark = (typeof OwnershipMark)[keyof typeof OwnershipMark];

/** The value of `external_ids:netfleet-owner` on what netfleet owns. */
export const NETFLEET_OWNER = 'netfleet';

/** external_ids keys with this prefix on an owned bridge are netfleet's to add, change and remove. */
export const NETFLEET_KEY_PREFIX = 'netfleet-';
