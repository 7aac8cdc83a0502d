import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ObservedBridge, ObservedController, ObservedHost, ObservedSsl } from '../plan/observed-bridge';
import { booleanOf, integerOf, mapOf, parseListOutputs, setOf, stringOf, uuidOf, type OvsdbRow } from './ovsdb-json';
import type { Vsctl } from './vsctl';

export const BRIDGE_COLUMNS = ['_uuid', 'name', 'external_ids', 'other_config', 'fail_mode', 'controller'];
export const CONTROLLER_COLUMNS = [
  '_uuid',
  'target',
  'connection_mode',
  'max_backoff',
  'inactivity_probe',
  'controller_rate_limit',
  'controller_burst_limit',
  'is_connected',
  'role',
  'status',
];
export const SSL_COLUMNS = ['_uuid', 'private_key', 'certificate', 'ca_cert', 'external_ids'];

/**
 * The argv that reads everything a plan needs in ONE ovs-vsctl call (one consistent snapshot):
 * bridges, controllers, the Open_vSwitch row's ssl reference and the SSL rows. `--no-wait`: a
 * read has nothing for vswitchd to catch up with.
 */
export const OBSERVE_ARGS: readonly string[] = [
  '--no-wait',
  '--format=json',
  '--',
  `--columns=${BRIDGE_COLUMNS.join(',')}`, 'list', 'bridge',
  '--',
  `--columns=${CONTROLLER_COLUMNS.join(',')}`, 'list', 'controller',
  '--',
  '--columns=ssl', 'list', 'open_vswitch',
  '--',
  `--columns=${SSL_COLUMNS.join(',')}`, 'list', 'ssl',
];

/** Bridges (with their controllers) and the host's SSL row, in one ovs-vsctl invocation. */
export async function observeHost(vsctl: Vsctl): Promise<ObservedHost> {
  return parseObservedHost(await vsctl.run([...OBSERVE_ARGS]));
}

/** Pure: the stdout of OBSERVE_ARGS → ObservedHost. */
export function parseObservedHost(stdout: string): ObservedHost {
  const tables = parseListOutputs(stdout);
  if (tables.length !== 4) {
    throw new NetfleetError('NF_OVS_PROTOCOL', { problem: `ovs-vsctl printed ${tables.length} tables where 4 were asked for (bridge, controller, open_vswitch, ssl)` });
  }
  const [bridgeRows, controllerRows, ovsRows, sslRows] = tables as [OvsdbRow[], OvsdbRow[], OvsdbRow[], OvsdbRow[]];
  return observedHostOf({ bridgeRows, controllerRows, ovsRows, sslRows });
}

/** Rows of the four tables (each with `_uuid`) → ObservedHost; shared by observeHost and the OVSDB monitor's replica. */
export function observedHostOf(tables: { bridgeRows: OvsdbRow[]; controllerRows: OvsdbRow[]; ovsRows: OvsdbRow[]; sslRows: OvsdbRow[] }): ObservedHost {
  const { bridgeRows, controllerRows, ovsRows, sslRows } = tables;
  const controllers = new Map<string, ObservedController>(controllerRows.map((row) => [uuidOf(row._uuid), toController(row)]));
  const bridges = bridgeRows
    .map((row): ObservedBridge => {
      const failMode = stringOf(row.fail_mode);
      return {
        uuid: uuidOf(row._uuid),
        name: stringOf(row.name) ?? '',
        externalIds: mapOf(row.external_ids),
        otherConfig: mapOf(row.other_config),
        failMode: failMode === 'standalone' || failMode === 'secure' ? failMode : undefined,
        controllers: setOf(row.controller)
          .map((ref) => controllers.get(uuidOf(ref)))
          .filter((c): c is ObservedController => c !== undefined)
          .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const sslRef = ovsRows[0] ? setOf(ovsRows[0].ssl)[0] : undefined;
  const sslRow = sslRef === undefined ? undefined : sslRows.find((row) => uuidOf(row._uuid) === uuidOf(sslRef));
  const ssl: ObservedSsl | undefined = sslRow && {
    uuid: uuidOf(sslRow._uuid),
    privateKey: stringOf(sslRow.private_key) ?? '',
    certificate: stringOf(sslRow.certificate) ?? '',
    caCert: stringOf(sslRow.ca_cert) ?? '',
    externalIds: mapOf(sslRow.external_ids),
  };
  return { bridges, ssl };
}

function toController(row: OvsdbRow): ObservedController {
  const status = mapOf(row.status);
  const mode = stringOf(row.connection_mode);
  const role = stringOf(row.role);
  return {
    uuid: uuidOf(row._uuid),
    target: stringOf(row.target) ?? '',
    connectionMode: mode === 'in-band' || mode === 'out-of-band' ? mode : undefined,
    maxBackoffMs: integerOf(row.max_backoff),
    inactivityProbeMs: integerOf(row.inactivity_probe),
    rateLimit: integerOf(row.controller_rate_limit),
    burstLimit: integerOf(row.controller_burst_limit),
    isConnected: booleanOf(row.is_connected),
    ...(status.last_error !== undefined ? { lastError: status.last_error } : {}),
    ...(status.state !== undefined ? { state: status.state } : {}),
    ...(role !== undefined ? { role } : {}),
  };
}
