import { assertNever } from '@netfleet/errors/assert-never';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { NETFLEET_OWNER, OwnershipMark, type ControllerSpec } from './bridge-spec';
import { CONTROLLER_COLUMN, type OvsOp } from './ovs-op';

/**
 * ops → the argv tail of ONE ovs-vsctl transaction: `--`-separated commands, executed by
 * ovs-vsctl atomically (all or nothing). The caller puts `--timeout` and `--db` in front. Never
 * goes through a shell; values are written in ovs-vsctl's own syntax (see `ovsdbString`).
 * Empty ops → empty argv. `mayExist: false` drops `--may-exist` from add-br (a plan made from
 * a possibly stale read must not adopt a bridge someone else made meanwhile).
 *
 * Nothing in it can be read as an option (utilities/ovs-vsctl.c + lib/db-ctl-base.c): global
 * options end at the first `--`; ovs-vsctl splits the rest at every argument that IS `--`, and
 * reads a command's options only before its command name. So every free-form value (keys, map
 * values, targets, paths) is quoted inside a `column=value` argument, and the only positional
 * arguments after a command name are fixed words, our `@id` symbols, row uuids and bridge names
 * — the last two checked by `positional`: a bridge named `--` would split the transaction, and
 * one starting with `-` is refused too rather than trusting where it lands (validation refuses
 * such names long before this).
 */
export function toVsctlArgs(ops: OvsOp[], options: { mayExist?: boolean } = {}): string[] {
  const mayExist = options.mayExist ?? true;
  const commands: string[][] = [];
  let symbols = 0;
  const symbol = (prefix: string): string => `@${prefix}${symbols++}`;

  const createController = (controller: ControllerSpec): string => {
    const id = symbol('c');
    commands.push([`--id=${id}`, 'create', 'controller', ...controllerColumns(controller)]);
    return id;
  };

  for (const op of ops) {
    switch (op.kind) {
      case 'add-bridge': {
        // Without --may-exist, a bridge that appeared since OVS was read fails the transaction
        // instead of being adopted (the caller then reads OVS again).
        const bridge = bridgeName(op.bridge);
        commands.push(mayExist ? ['--may-exist', 'add-br', bridge] : ['add-br', bridge]);
        const columns = [
          ...(op.failMode ? [`fail_mode=${op.failMode}`] : []),
          ...mapEntries('other_config', op.otherConfig),
          ...mapEntries('external_ids', op.externalIds),
        ];
        if (columns.length > 0) commands.push(['set', 'bridge', bridge, ...columns]);
        if (op.controllers.length > 0) {
          const ids = op.controllers.map(createController);
          commands.push(['set', 'bridge', bridge, `controller=[${ids.join(',')}]`]);
        }
        break;
      }
      case 'set-bridge': {
        const columns = [
          ...(op.failMode ? [`fail_mode=${op.failMode}`] : []),
          ...mapEntries('other_config', op.otherConfig ?? {}),
          ...mapEntries('external_ids', op.externalIds ?? {}),
        ];
        if (columns.length > 0) commands.push(['set', 'bridge', bridgeName(op.bridge), ...columns]);
        break;
      }
      case 'clear-fail-mode':
        commands.push(['clear', 'bridge', bridgeName(op.bridge), 'fail_mode']);
        break;
      case 'remove-bridge-keys':
        if (op.keys.length > 0) commands.push(['remove', 'bridge', bridgeName(op.bridge), op.column, ...op.keys.map(ovsdbString)]);
        break;
      case 'add-controller': {
        const id = createController(op.controller);
        commands.push(['add', 'bridge', bridgeName(op.bridge), 'controller', id]);
        break;
      }
      case 'update-controller': {
        const set = controllerColumns(op.set);
        if (set.length > 0) commands.push(['set', 'controller', rowUuid(op.uuid), ...set]);
        if (op.clear.length > 0) commands.push(['clear', 'controller', rowUuid(op.uuid), ...op.clear.map((k) => CONTROLLER_COLUMN[k])]);
        break;
      }
      case 'remove-controller':
        commands.push(['remove', 'bridge', bridgeName(op.bridge), 'controller', rowUuid(op.uuid)]);
        break;
      case 'delete-bridge':
        commands.push(['--if-exists', 'del-br', bridgeName(op.bridge)]);
        break;
      case 'set-ssl': {
        // What `set-ssl` does, but inside this transaction, and stamped as netfleet's.
        const id = symbol('s');
        commands.push([
          `--id=${id}`,
          'create',
          'ssl',
          `private_key=${ovsdbString(op.ssl.privateKey)}`,
          `certificate=${ovsdbString(op.ssl.certificate)}`,
          `ca_cert=${ovsdbString(op.ssl.caCert)}`,
          ...mapEntries('external_ids', { [OwnershipMark.owner]: NETFLEET_OWNER }),
        ]);
        commands.push(['set', 'open_vswitch', '.', `ssl=${id}`]);
        break;
      }
      case 'clear-ssl':
        commands.push(['clear', 'open_vswitch', '.', 'ssl']);
        break;
      default:
        assertNever(op, 'OVS op');
    }
  }
  return commands.flatMap((command) => ['--', ...command]);
}

/** A bridge name for a positional slot: never `--` or anything option-like (see toVsctlArgs). */
function bridgeName(name: string): string {
  if (name.length === 0 || name.startsWith('-')) {
    throw new NetfleetError('NF_OVS_SPEC_INVALID', { subject: `bridge name '${name}'`, problems: ['it is empty or begins with \'-\', which ovs-vsctl could read as an option or a command separator: give the datapath another name'] });
  }
  return name;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row uuid (from OVS itself) for a positional slot. */
function rowUuid(uuid: string): string {
  if (!UUID.test(uuid)) throw new NetfleetError('NF_OVS_SPEC_INVALID', { subject: `'${uuid}'`, problems: ['it is not a row uuid'] });
  return uuid;
}

/**
 * A string atom in ovs-vsctl's syntax: always double-quoted. ovs-vsctl splits its arguments at
 * `:=, []{}!<>` outside quotes, then reads a quoted string as a JSON string (its
 * json_string_unescape), so JSON's escaping of `"`, `\` and control characters is exactly right.
 */
export function ovsdbString(value: string): string {
  return JSON.stringify(value);
}

function mapEntries(column: string, entries: Record<string, string>): string[] {
  return Object.keys(entries)
    .sort()
    .map((key) => `${column}:${ovsdbString(key)}=${ovsdbString(entries[key]!)}`);
}

function controllerColumns(c: Partial<ControllerSpec>): string[] {
  const columns: string[] = [];
  if (c.target !== undefined) columns.push(`${CONTROLLER_COLUMN.target}=${ovsdbString(c.target)}`);
  if (c.connectionMode !== undefined) columns.push(`${CONTROLLER_COLUMN.connectionMode}=${c.connectionMode}`);
  const integer = (key: 'maxBackoffMs' | 'inactivityProbeMs' | 'rateLimit' | 'burstLimit'): void => {
    const value = c[key];
    if (value !== undefined) columns.push(`${CONTROLLER_COLUMN[key]}=${Math.trunc(value)}`);
  };
  integer('maxBackoffMs');
  integer('inactivityProbeMs');
  integer('rateLimit');
  integer('burstLimit');
  return columns;
}
