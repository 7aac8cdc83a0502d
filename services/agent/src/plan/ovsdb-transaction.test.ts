import { describe, expect, it } from 'vitest';
import { toOvsdbTransaction } from './ovsdb-transaction';

describe('toOvsdbTransaction', () => {
  it('an add-bridge is what add-br does, every column set, then next_cfg bumped and read back', () => {
    const { params, nextCfgIndex } = toOvsdbTransaction([{
      kind: 'add-bridge', bridge: 'dp0', failMode: 'secure', otherConfig: { 'datapath-id': '0000000000000abc' },
      externalIds: { 'netfleet-owner': 'netfleet' }, controllers: [{ target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band' }],
    }], { bridgeUuid: () => undefined });
    expect(params).toEqual([
      'Open_vSwitch',
      { op: 'comment', comment: 'netfleet-agent' },
      { op: 'insert', table: 'Interface', row: { name: 'dp0', type: 'internal' }, 'uuid-name': 'i0' },
      { op: 'insert', table: 'Port', row: { name: 'dp0', interfaces: ['named-uuid', 'i0'] }, 'uuid-name': 'p1' },
      { op: 'insert', table: 'Controller', row: { target: 'tcp:127.0.0.1:6633', connection_mode: 'out-of-band' }, 'uuid-name': 'c3' },
      {
        op: 'insert', table: 'Bridge', 'uuid-name': 'b2',
        row: {
          name: 'dp0', ports: ['set', [['named-uuid', 'p1']]], other_config: ['map', [['datapath-id', '0000000000000abc']]],
          external_ids: ['map', [['netfleet-owner', 'netfleet']]], controller: ['set', [['named-uuid', 'c3']]], fail_mode: 'secure',
        },
      },
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['bridges', 'insert', ['set', [['named-uuid', 'b2']]]]] },
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['next_cfg', '+=', 1]] },
      { op: 'select', table: 'Open_vSwitch', where: [], columns: ['next_cfg'] },
    ]);
    expect(nextCfgIndex).toBe(7); // in the result array (operations only, no database name)
  });

  it('deleting a bridge unlinks it by uuid; one already gone is skipped (--if-exists)', () => {
    const { params } = toOvsdbTransaction([{ kind: 'delete-bridge', bridge: 'a' }, { kind: 'delete-bridge', bridge: 'gone' }], { bridgeUuid: (n) => (n === 'a' ? 'u-a' : undefined) });
    expect(params.slice(2, 3)).toEqual([{ op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['bridges', 'delete', ['set', [['uuid', 'u-a']]]]] }]);
    expect(params).toHaveLength(5);
  });

  it('setting map keys replaces their values (delete, then insert); cleared knobs become empty sets', () => {
    const { params } = toOvsdbTransaction([
      { kind: 'set-bridge', bridge: 'dp0', externalIds: { 'netfleet-generation': '3' } },
      { kind: 'update-controller', bridge: 'dp0', uuid: 'c-1', set: { target: 'tcp:127.0.0.1:1' }, clear: ['maxBackoffMs'] },
    ], { bridgeUuid: () => undefined });
    expect(params.slice(2, 4)).toEqual([
      { op: 'mutate', table: 'Bridge', where: [['name', '==', 'dp0']], mutations: [['external_ids', 'delete', ['set', ['netfleet-generation']]], ['external_ids', 'insert', ['map', [['netfleet-generation', '3']]]]] },
      { op: 'update', table: 'Controller', where: [['_uuid', '==', ['uuid', 'c-1']]], row: { target: 'tcp:127.0.0.1:1', max_backoff: ['set', []] } },
    ]);
  });
});
