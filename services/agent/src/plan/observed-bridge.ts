/**
 * What a host's Open vSwitch actually has, as read from its database (`observeHost`). Pure data:
 * optional OVSDB columns that are empty are `undefined`.
 */

export interface ObservedController {
  /** the Controller row's _uuid, so a plan can change that row in place */
  uuid: string;
  target: string;
  connectionMode: 'in-band' | 'out-of-band' | undefined;
  maxBackoffMs: number | undefined;
  inactivityProbeMs: number | undefined;
  rateLimit: number | undefined;
  burstLimit: number | undefined;
  /** refreshed by vswitchd with the statistics (every 5 s by default), so it lags reality */
  isConnected: boolean;
  /** Controller status:last_error */
  lastError?: string;
  /** Controller status:state (VOID, BACKOFF, CONNECTING, ACTIVE, IDLE) */
  state?: string;
  /** Controller role (other, master, slave) once connected */
  role?: string;
}

export interface ObservedBridge {
  uuid: string;
  name: string;
  externalIds: Record<string, string>;
  otherConfig: Record<string, string>;
  failMode: 'standalone' | 'secure' | undefined;
  /** in the order OVS lists them (a set: the order carries no meaning) */
  controllers: ObservedController[];
}

/** The host's global SSL row (Open_vSwitch . ssl), if any. */
export interface ObservedSsl {
  uuid: string;
  privateKey: string;
  certificate: string;
  caCert: string;
  externalIds: Record<string, string>;
}

export interface ObservedHost {
  bridges: ObservedBridge[];
  ssl: ObservedSsl | undefined;
}
