import { describe, expect, it } from 'vitest';
import { HostReplica } from './host-replica';

describe('HostReplica', () => {
  it('keeps bridges and controllers from monitor updates: initial, modify, delete', () => {
    const r = new HostReplica();
    r.apply({
      Bridge: { b1: { new: { name: 'dp0', external_ids: ['map', [['netfleet-owner', 'netfleet']]], other_config: ['map', []], fail_mode: ['set', []], controller: ['uuid', 'c1'] } } },
      Controller: { c1: { new: { target: 'tcp:127.0.0.1:6633', connection_mode: 'out-of-band', max_backoff: ['set', []], inactivity_probe: ['set', []], controller_rate_limit: ['set', []], controller_burst_limit: ['set', []], is_connected: false, role: ['set', []], status: ['map', []] } } },
      Open_vSwitch: { o1: { new: { ssl: ['set', []], cur_cfg: 1 } } },
    });
    expect(r.observed().bridges).toMatchObject([{ uuid: 'b1', name: 'dp0', controllers: [{ uuid: 'c1', target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band', isConnected: false }] }]);

    const changed = r.apply({ Controller: { c1: { old: { is_connected: false }, new: { target: 'tcp:127.0.0.1:6633', connection_mode: 'out-of-band', max_backoff: ['set', []], inactivity_probe: ['set', []], controller_rate_limit: ['set', []], controller_burst_limit: ['set', []], is_connected: true, role: 'other', status: ['map', [['state', 'ACTIVE']]] } } } });
    expect([...changed]).toEqual(['Controller']);
    expect(r.observed().bridges[0]!.controllers[0]).toMatchObject({ isConnected: true, state: 'ACTIVE', role: 'other' });

    r.apply({ Bridge: { b1: { old: { name: 'dp0' } } } });
    expect(r.observed().bridges).toEqual([]);
  });

  it('an update that is not <table-updates> is NF_OVS_PROTOCOL, and changes nothing', () => {
    const r = new HostReplica();
    const protocol = expect.objectContaining({ name: 'NetfleetError', code: 'NF_OVS_PROTOCOL' });
    expect(() => r.apply(null as never)).toThrow(protocol);
    expect(() => r.apply({ Bridge: { b1: 'garbage' as never } })).toThrow(protocol);
    expect(r.observed().bridges).toEqual([]);
  });
});
