import { describe, expect, it } from 'vitest';
import { observedPortsOf } from './observe-ports';

const bridge = (uuid: string, name: string, ids: [string, string][], ports: string[]) =>
  ({ _uuid: ['uuid', uuid] as ['uuid', string], name, external_ids: ['map', ids] as ['map', [string, string][]], ports: ['set', ports.map((p) => ['uuid', p] as ['uuid', string])] as ['set', ['uuid', string][]] });
const port = (uuid: string, iface: string) => ({ _uuid: ['uuid', uuid] as ['uuid', string], name: uuid, interfaces: ['uuid', iface] as ['uuid', string] });
const iface = (uuid: string, name: string, type: string, ids: [string, string][]) =>
  ({ _uuid: ['uuid', uuid] as ['uuid', string], name, type, external_ids: ['map', ids] as ['map', [string, string][]] });

describe('observedPortsOf', () => {
  it('lists the interfaces on netfleet\'s bridges with libvirt\'s external_ids, not the bridge\'s own port nor foreign bridges', () => {
    const owned: [string, string][] = [['netfleet-owner', 'netfleet'], ['netfleet-network', 'ofnet']];
    const ports = observedPortsOf({
      bridgeRows: [bridge('b1', 'dp0', owned, ['p1', 'p2', 'p3']), bridge('b2', 'br-ex', [], ['p4'])],
      portRows: [port('p1', 'i1'), port('p2', 'i2'), port('p3', 'i3'), port('p4', 'i4')],
      interfaceRows: [
        iface('i1', 'dp0', 'internal', []),
        iface('i2', 'vnet0', '', [['attached-mac', '52:54:00:DF:82:84'], ['iface-id', '7e50d382-d980-404f-a923-b69336b59e0a'], ['vm-id', '5a972ef6-310e-41ef-94df-4a3f372b3b76']]),
        iface('i3', 'tap-free', 'internal', []),
        iface('i4', 'eth9', '', [['vm-id', '5a972ef6-310e-41ef-94df-4a3f372b3b76']]),
      ],
    });
    expect(ports).toEqual([
      { network: 'ofnet', bridge: 'dp0', interface: 'tap-free' },
      { network: 'ofnet', bridge: 'dp0', interface: 'vnet0', mac: '52:54:00:df:82:84', vmUuid: '5a972ef6-310e-41ef-94df-4a3f372b3b76', ifaceId: '7e50d382-d980-404f-a923-b69336b59e0a' },
    ]);
  });
});
