import { assertNever } from '@netfleet/errors/assert-never';
import { NETFLEET_OWNER, OwnershipMark, type ControllerSpec } from './bridge-spec';
import { CONTROLLER_COLUMN, type OvsOp } from './ovs-op';

/** One RFC 7047 operation of a `transact` request. */
export type OvsdbOperation = Record<string, unknown>;

/** What the translation needs to know about the database: the _uuid of each bridge by name. */
export interface TransactionContext {
  bridgeUuid(name: string): string | undefined;
}

const DB = 'Open_vSwitch';
const EMPTY_SET = ['set', []] as const;
const map = (entries: Record<string, string>) => ['map', Object.keys(entries).sort().map((k) => [k, entries[k]!])];
const set = (atoms: unknown[]) => ['set', atoms];
const byName = (name: string) => [['name', '==', name]];
const byUuid = (uuid: string) => [['_uuid', '==', ['uuid', uuid]]];

/**
 * ops → the operations of ONE OVSDB `transact` (all or nothing), the same changes `toVsctlArgs`
 * writes as ovs-vsctl commands — what `add-br` does (Bridge + internal Port + Interface, linked
 * from Open_vSwitch) included. A bridge that exists already makes `add-bridge` fail on Bridge's
 * name index (no --may-exist: a plan never adds what it saw). Ends by bumping `next_cfg` and
 * reading it back, so the caller can wait for ovs-vswitchd (cur_cfg) as ovs-vsctl does. Pure.
 */
export function toOvsdbTransaction(ops: OvsOp[], context: TransactionContext): { params: unknown[]; nextCfgIndex: number } {
  const operations: OvsdbOperation[] = [{ op: 'comment', comment: 'netfleet-agent' }];
  let symbols = 0;
  const named = (prefix: string) => `${prefix}${symbols++}`;
  const bridgeWhere = (name: string) => byName(name);

  const insertController = (c: Partial<ControllerSpec>): string => {
    const id = named('c');
    operations.push({ op: 'insert', table: 'Controller', row: controllerRow(c), 'uuid-name': id });
    return id;
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'add-bridge': {
        const iface = named('i');
        const port = named('p');
        const bridge = named('b');
        operations.push({ op: 'insert', table: 'Interface', row: { name: op.bridge, type: 'internal' }, 'uuid-name': iface });
        operations.push({ op: 'insert', table: 'Port', row: { name: op.bridge, interfaces: ['named-uuid', iface] }, 'uuid-name': port });
        const controllers = op.controllers.map(insertController);
        operations.push({
          op: 'insert', table: 'Bridge', 'uuid-name': bridge,
          row: {
            name: op.bridge, ports: set([['named-uuid', port]]), other_config: map(op.otherConfig), external_ids: map(op.externalIds),
            controller: set(controllers.map((c) => ['named-uuid', c])), ...(op.failMode ? { fail_mode: op.failMode } : {}),
          },
        });
        operations.push({ op: 'mutate', table: DB, where: [], mutations: [['bridges', 'insert', set([['named-uuid', bridge]])]] });
        break;
      }
      case 'set-bridge': {
        for (const column of ['other_config', 'external_ids'] as const) {
          const entries = column === 'other_config' ? op.otherConfig : op.externalIds;
          if (!entries || Object.keys(entries).length === 0) continue;
          // Map "insert" keeps an existing key's value: delete the keys first, then insert.
          operations.push({ op: 'mutate', table: 'Bridge', where: bridgeWhere(op.bridge), mutations: [[column, 'delete', set(Object.keys(entries).sort())], [column, 'insert', map(entries)]] });
        }
        if (op.failMode) operations.push({ op: 'update', table: 'Bridge', where: bridgeWhere(op.bridge), row: { fail_mode: op.failMode } });
        break;
      }
      case 'clear-fail-mode':
        operations.push({ op: 'update', table: 'Bridge', where: bridgeWhere(op.bridge), row: { fail_mode: EMPTY_SET } });
        break;
      case 'remove-bridge-keys':
        if (op.keys.length > 0) operations.push({ op: 'mutate', table: 'Bridge', where: bridgeWhere(op.bridge), mutations: [[op.column, 'delete', set([...op.keys])]] });
        break;
      case 'add-controller': {
        const id = insertController(op.controller);
        operations.push({ op: 'mutate', table: 'Bridge', where: bridgeWhere(op.bridge), mutations: [['controller', 'insert', set([['named-uuid', id]])]] });
        break;
      }
      case 'update-controller': {
        const row: Record<string, unknown> = controllerRow(op.set);
        for (const knob of op.clear) row[CONTROLLER_COLUMN[knob]] = EMPTY_SET;
        if (Object.keys(row).length > 0) operations.push({ op: 'update', table: 'Controller', where: byUuid(op.uuid), row });
        break;
      }
      case 'remove-controller':
        operations.push({ op: 'mutate', table: 'Bridge', where: bridgeWhere(op.bridge), mutations: [['controller', 'delete', set([['uuid', op.uuid]])]] });
        break;
      case 'delete-bridge': {
        // Unlinked from Open_vSwitch, the Bridge (and its Ports, Interfaces, Controllers) is
        // garbage-collected by ovsdb-server; gone already: nothing to do (--if-exists).
        const uuid = context.bridgeUuid(op.bridge);
        if (uuid) operations.push({ op: 'mutate', table: DB, where: [], mutations: [['bridges', 'delete', set([['uuid', uuid]])]] });
        break;
      }
      case 'set-ssl': {
        const id = named('s');
        operations.push({
          op: 'insert', table: 'SSL', 'uuid-name': id,
          row: { private_key: op.ssl.privateKey, certificate: op.ssl.certificate, ca_cert: op.ssl.caCert, external_ids: map({ [OwnershipMark.owner]: NETFLEET_OWNER }) },
        });
        operations.push({ op: 'update', table: DB, where: [], row: { ssl: ['named-uuid', id] } });
        break;
      }
      case 'clear-ssl':
        operations.push({ op: 'update', table: DB, where: [], row: { ssl: EMPTY_SET } });
        break;
      default:
        assertNever(op, 'OVS op');
    }
  }
  operations.push({ op: 'mutate', table: DB, where: [], mutations: [['next_cfg', '+=', 1]] });
  operations.push({ op: 'select', table: DB, where: [], columns: ['next_cfg'] });
  return { params: [DB, ...operations], nextCfgIndex: operations.length - 1 };
}

function controllerRow(c: Partial<ControllerSpec>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (c.target !== undefined) row[CONTROLLER_COLUMN.target] = c.target;
  if (c.connectionMode !== undefined) row[CONTROLLER_COLUMN.connectionMode] = c.connectionMode;
  for (const key of ['maxBackoffMs', 'inactivityProbeMs', 'rateLimit', 'burstLimit'] as const) {
    const value = c[key];
    if (value !== undefined) row[CONTROLLER_COLUMN[key]] = Math.trunc(value);
  }
  return row;
}
