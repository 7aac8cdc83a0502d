import type { BridgeSpec, ControllerSpec, SslSpec } from './bridge-spec';

/**
 * One change to a host's OVS database. A plan is a list of these, applied as ONE transaction:
 * `toOvsdbTransaction` makes it an OVSDB JSON-RPC `transact` (the agent's default), `toVsctlArgs`
 * one chained ovs-vsctl (the fallback, and what a dry run shows). Each op names exactly what it
 * changes, so a dry run can show it and a test can compare it.
 */
export type OvsOp =
  /** `--may-exist add-br`, every column set, Controller rows created and attached in one go */
  | {
      kind: 'add-bridge';
      bridge: string;
      failMode?: FailMode;
      otherConfig: Record<string, string>;
      externalIds: Record<string, string>;
      controllers: ControllerSpec[];
    }
  /** set these columns / map keys on an existing bridge; everything else is left as it is */
  | {
      kind: 'set-bridge';
      bridge: string;
      failMode?: FailMode;
      otherConfig?: Record<string, string>;
      externalIds?: Record<string, string>;
    }
  | { kind: 'clear-fail-mode'; bridge: string }
  | { kind: 'remove-bridge-keys'; bridge: string; column: 'other_config' | 'external_ids'; keys: string[] }
  /** create a Controller row with all its columns and add it to the bridge (never set-controller) */
  | { kind: 'add-controller'; bridge: string; controller: ControllerSpec }
  /** change columns of an existing Controller row in place, so its other settings survive */
  | {
      kind: 'update-controller';
      bridge: string;
      uuid: string;
      set: Partial<ControllerSpec>;
      clear: ControllerKnob[];
    }
  /** detach a Controller row from the bridge (OVS then garbage-collects it) */
  | { kind: 'remove-controller'; bridge: string; uuid: string }
  | { kind: 'delete-bridge'; bridge: string }
  /** replace the host's SSL row (set-ssl, composed into the same transaction) */
  | { kind: 'set-ssl'; ssl: SslSpec }
  | { kind: 'clear-ssl' };

export type FailMode = NonNullable<BridgeSpec['failMode']>;

/** The optional Controller settings, by their ControllerSpec names (every field but the target). */
export type ControllerKnob = Exclude<keyof ControllerSpec, 'target'>;

/** Controller table column of each ControllerSpec field. */
export const CONTROLLER_COLUMN = {
  target: 'target',
  connectionMode: 'connection_mode',
  maxBackoffMs: 'max_backoff',
  inactivityProbeMs: 'inactivity_probe',
  rateLimit: 'controller_rate_limit',
  burstLimit: 'controller_burst_limit',
} as const satisfies Record<keyof ControllerSpec, string>;

/** Each optional setting a controller row can have set or cleared, read off the column map. */
export const CONTROLLER_KNOBS = Object.keys(CONTROLLER_COLUMN).filter((field): field is ControllerKnob => field !== 'target');
