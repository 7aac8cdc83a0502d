import { describe, expect, it } from 'vitest';
import type { OvsOp } from './ovs-op';
import { ovsdbString, toVsctlArgs } from './vsctl-argv';

describe('toVsctlArgs', () => {
  it('gives nothing for an empty plan', () => {
    expect(toVsctlArgs([])).toEqual([]);
  });

  it('creates a bridge, its columns and its controllers in one chain, never set-controller', () => {
    const argv = toVsctlArgs([
      {
        kind: 'add-bridge',
        bridge: 'dp0',
        failMode: 'secure',
        otherConfig: { 'dp-desc': 'rfovs', 'datapath-id': '0000000000000abc' },
        externalIds: { 'netfleet-owner': 'netfleet', 'netfleet-network': 'ofnet' },
        controllers: [
          { target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band', maxBackoffMs: 2000, inactivityProbeMs: 0, rateLimit: 100, burstLimit: 25 },
          { target: 'punix:/run/nf/dp0.ctl' },
        ],
      },
    ]);
    expect(argv).toEqual([
      '--', '--may-exist', 'add-br', 'dp0',
      '--', 'set', 'bridge', 'dp0', 'fail_mode=secure',
      'other_config:"datapath-id"="0000000000000abc"', 'other_config:"dp-desc"="rfovs"',
      'external_ids:"netfleet-network"="ofnet"', 'external_ids:"netfleet-owner"="netfleet"',
      '--', '--id=@c0', 'create', 'controller', 'target="tcp:127.0.0.1:6633"', 'connection_mode=out-of-band',
      'max_backoff=2000', 'inactivity_probe=0', 'controller_rate_limit=100', 'controller_burst_limit=25',
      '--', '--id=@c1', 'create', 'controller', 'target="punix:/run/nf/dp0.ctl"',
      '--', 'set', 'bridge', 'dp0', 'controller=[@c0,@c1]',
    ]);
    expect(argv).not.toContain('set-controller');
  });

  it('gives every created row its own symbol across the whole transaction', () => {
    const argv = toVsctlArgs([
      { kind: 'add-bridge', bridge: 'a', otherConfig: {}, externalIds: {}, controllers: [{ target: 'tcp:127.0.0.1:1' }] },
      { kind: 'add-controller', bridge: 'b', controller: { target: 'tcp:127.0.0.1:2' } },
      { kind: 'set-ssl', ssl: { privateKey: '/k', certificate: '/c', caCert: '/ca' } },
    ]);
    const ids = argv.filter((a) => a.startsWith('--id='));
    expect(ids).toEqual(['--id=@c0', '--id=@c1', '--id=@s2']);
    expect(argv.join(' ')).toContain('-- add bridge b controller @c1');
    expect(argv.join(' ')).toContain(
      '-- --id=@s2 create ssl private_key="/k" certificate="/c" ca_cert="/ca" external_ids:"netfleet-owner"="netfleet" -- set open_vswitch . ssl=@s2',
    );
  });

  it('writes updates, removals and deletions', () => {
    const uuid = '0b8d5bd1-6d5c-4c59-9e4b-4f6f3e1f1a2b';
    expect(
      toVsctlArgs([
        { kind: 'delete-bridge', bridge: 'old0' },
        { kind: 'set-bridge', bridge: 'dp0', failMode: 'standalone', externalIds: { 'netfleet-generation': '4' } },
        { kind: 'clear-fail-mode', bridge: 'dp1' },
        { kind: 'remove-bridge-keys', bridge: 'dp0', column: 'other_config', keys: ['dp-desc'] },
        { kind: 'update-controller', bridge: 'dp0', uuid, set: { target: 'tcp:127.0.0.1:6633', maxBackoffMs: 1000 }, clear: ['rateLimit', 'connectionMode'] },
        { kind: 'remove-controller', bridge: 'dp0', uuid },
        { kind: 'clear-ssl' },
      ]),
    ).toEqual([
      '--', '--if-exists', 'del-br', 'old0',
      '--', 'set', 'bridge', 'dp0', 'fail_mode=standalone', 'external_ids:"netfleet-generation"="4"',
      '--', 'clear', 'bridge', 'dp1', 'fail_mode',
      '--', 'remove', 'bridge', 'dp0', 'other_config', '"dp-desc"',
      '--', 'set', 'controller', uuid, 'target="tcp:127.0.0.1:6633"', 'max_backoff=1000',
      '--', 'clear', 'controller', uuid, 'controller_rate_limit', 'connection_mode',
      '--', 'remove', 'bridge', 'dp0', 'controller', uuid,
      '--', 'clear', 'open_vswitch', '.', 'ssl',
    ]);
  });

  it('skips ops that change nothing', () => {
    expect(
      toVsctlArgs([
        { kind: 'set-bridge', bridge: 'dp0' },
        { kind: 'remove-bridge-keys', bridge: 'dp0', column: 'external_ids', keys: [] },
        { kind: 'update-controller', bridge: 'dp0', uuid: 'x', set: {}, clear: [] },
      ]),
    ).toEqual([]);
  });

  it('quotes keys and values so delimiters, quotes and backslashes survive', () => {
    const argv = toVsctlArgs([
      { kind: 'set-bridge', bridge: 'dp0', externalIds: { 'weird key=1': 'a,b:[c]{d}"e"\\f\n' } },
    ]);
    expect(argv.at(-1)).toBe('external_ids:"weird key=1"="a,b:[c]{d}\\"e\\"\\\\f\\n"');
  });
});

describe('ovsdbString', () => {
  it('double-quotes and JSON-escapes', () => {
    expect(ovsdbString('tcp:127.0.0.1:6633')).toBe('"tcp:127.0.0.1:6633"');
    expect(ovsdbString('')).toBe('""');
    expect(ovsdbString('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(ovsdbString('true')).toBe('"true"');
  });
});

/**
 * Reads an argv tail as ovs-vsctl does (db-ctl-base.c ctl_parse_commands / parse_command): split
 * at every `--`, a command's options are the leading `-` arguments, then its name, then its
 * arguments. Returns the options of every command and every argument after a command name.
 */
function asOvsVsctlReadsIt(argv: string[]): { options: string[]; names: string[]; args: string[] } {
  const out = { options: [] as string[], names: [] as string[], args: [] as string[] };
  const commands: string[][] = [[]];
  for (const a of argv) if (a === '--') commands.push([]); else commands.at(-1)!.push(a);
  for (const command of commands.filter((c) => c.length > 0)) {
    let i = 0;
    while (i < command.length && command[i]!.startsWith('-')) out.options.push(command[i++]!);
    out.names.push(command[i++]!);
    out.args.push(...command.slice(i));
  }
  return out;
}

describe('toVsctlArgs - argv safety', () => {
  const evil = '--if-exists';
  const everyOp = (bridge: string, uuid = '6f1c4b7e-2a0d-4c3e-9b1a-0123456789ab'): OvsOp[] => [
    { kind: 'delete-bridge', bridge },
    { kind: 'add-bridge', bridge, failMode: 'secure', otherConfig: { [evil]: evil }, externalIds: { '--': '-x' }, controllers: [{ target: `punix:/run/${evil}` }] },
    { kind: 'set-bridge', bridge, otherConfig: { 'dp-desc': '-- del-br dp0' } },
    { kind: 'clear-fail-mode', bridge },
    { kind: 'remove-bridge-keys', bridge, column: 'external_ids', keys: ['--', '-x'] },
    { kind: 'add-controller', bridge, controller: { target: '--db=unix:/tmp/other.sock' } },
    { kind: 'update-controller', bridge, uuid, set: { target: '-x' }, clear: ['burstLimit'] },
    { kind: 'remove-controller', bridge, uuid },
    { kind: 'set-ssl', ssl: { privateKey: '--private', certificate: '-c', caCert: '--' } },
  ];

  it('free-form values that look like options only ever appear quoted inside column=value arguments', () => {
    const argv = toVsctlArgs(everyOp('dp0'));
    const read = asOvsVsctlReadsIt(argv);
    expect(new Set(read.options)).toEqual(new Set(['--if-exists', '--may-exist', '--id=@c0', '--id=@c1', '--id=@s2']));
    expect(new Set(read.names)).toEqual(new Set(['del-br', 'add-br', 'set', 'create', 'clear', 'remove', 'add']));
    expect(read.args.filter((a) => a.startsWith('-'))).toEqual([]);
    // The only `--` in the argv are the separators ovs-vsctl splits at, one before each command.
    expect(argv.filter((a) => a === '--').length).toBe(read.names.length);
  });

  it.each(['--', '-x', '--if-exists', '--db=unix:/tmp/other.sock', ''])('refuses to pass a bridge named %j, for every op on it', (bridge) => {
    // update-controller names the Controller row by uuid only: the bridge never reaches its argv.
    for (const op of everyOp(bridge).filter((o) => 'bridge' in o && o.kind !== 'update-controller')) {
      expect(() => toVsctlArgs([op]), op.kind).toThrow(expect.objectContaining({ name: 'NetfleetError', code: 'NF_OVS_SPEC_INVALID' }));
    }
  });

  it('refuses a controller row id that is not a uuid', () => {
    const [, , , , , , update, remove] = everyOp('dp0', '--');
    expect(() => toVsctlArgs([update!])).toThrow(expect.objectContaining({ code: 'NF_OVS_SPEC_INVALID' }));
    expect(() => toVsctlArgs([remove!])).toThrow(expect.objectContaining({ code: 'NF_OVS_SPEC_INVALID' }));
  });
});
