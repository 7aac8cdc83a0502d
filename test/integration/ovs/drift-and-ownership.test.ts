import { describe, expect } from 'vitest';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { ovsHostTest as test } from '../../support/ovs-host-test';

const spec: BridgeSpec = {
  network: 'ofnet',
  networkUuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b',
  generation: 2,
  bridge: 'dp0',
  datapathId: '0000000000000abc',
  description: 'rfovs',
  failMode: 'secure',
  controllers: [{ target: 'tcp:127.0.0.1:6633', connectionMode: 'out-of-band', maxBackoffMs: 2000 }],
  extraExternalIds: {},
};

describe('OVS driver - drift and ownership', () => {
  test('a controller target changed by hand is found, fixed exactly, and then converged', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await applyPlan(vsctl, planHost([spec], []));
    const uuid = (await ovs.vsctl('get', 'bridge', 'dp0', 'controller')).replace(/[[\]]/g, '');

    // Someone edits OVS by hand.
    await ovs.vsctl('set', 'controller', uuid, 'target="tcp:127.0.0.1:9999"');

    const drifted = planHost([spec], (await observeHost(vsctl)).bridges);
    expect(drifted).toEqual({
      ops: [{ kind: 'update-controller', bridge: 'dp0', uuid, set: { target: 'tcp:127.0.0.1:6633' }, clear: [] }],
      refusals: [],
      drift: [{ network: 'ofnet', bridge: 'dp0', what: ['controller target tcp:127.0.0.1:9999 != tcp:127.0.0.1:6633'] }],
    });
    await applyPlan(vsctl, drifted);

    expect(await ovs.vsctl('get', 'controller', uuid, 'target')).toBe('"tcp:127.0.0.1:6633"');
    // The row kept its other settings (no set-controller).
    expect(await ovs.vsctl('get', 'controller', uuid, 'max_backoff')).toBe('2000');
    expect(await ovs.vsctl('get', 'controller', uuid, 'connection_mode')).toBe('out-of-band');
    expect(planHost([spec], (await observeHost(vsctl)).bridges)).toEqual({ ops: [], refusals: [], drift: [] });
  });

  test('a set-controller by hand (which wipes the row) is repaired column by column', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await applyPlan(vsctl, planHost([spec], []));
    await ovs.vsctl('set-controller', 'dp0', 'tcp:127.0.0.1:7777');
    await ovs.vsctl('set', 'bridge', 'dp0', 'other_config:datapath-id=0000000000000def');

    const drifted = planHost([spec], (await observeHost(vsctl)).bridges);
    expect(drifted.drift[0]!.what).toEqual([
      'datapath-id 0000000000000def != 0000000000000abc',
      'controller target tcp:127.0.0.1:7777 != tcp:127.0.0.1:6633',
      'controller tcp:127.0.0.1:6633 connection_mode (none) != out-of-band',
      'controller tcp:127.0.0.1:6633 max_backoff (none) != 2000',
    ]);
    await applyPlan(vsctl, drifted);
    expect(await ovs.ofctl('show', ovs.mgmt('dp0'))).toMatch(/dpid:0000000000000abc/);
    expect(planHost([spec], (await observeHost(vsctl)).bridges).ops).toEqual([]);
  });

  test('a bridge made by hand is never touched: refused when desired, ignored otherwise', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await ovs.vsctl('add-br', 'dp0', '--', 'set', 'bridge', 'dp0', 'other_config:dp-desc=handmade', 'external_ids:team=ops');
    await ovs.vsctl('add-br', 'br-int');
    const before = await ovs.vsctl('--columns=name,external_ids,other_config,fail_mode,controller', 'list', 'bridge');

    const plan = planHost([spec], (await observeHost(vsctl)).bridges);
    expect(plan.ops).toEqual([]);
    expect(plan.refusals).toEqual([
      {
        network: 'ofnet',
        bridge: 'dp0',
        code: 'NF_OVS_BRIDGE_FOREIGN',
        message: expect.stringMatching(/^bridge dp0 already exists on this host and was not created by netfleet/),
      },
    ]);
    await applyPlan(vsctl, plan);
    expect(planHost([], (await observeHost(vsctl)).bridges)).toEqual({ ops: [], refusals: [], drift: [] });
    expect(await ovs.vsctl('--columns=name,external_ids,other_config,fail_mode,controller', 'list', 'bridge')).toBe(before);
    expect(await ovs.ofctl('dump-desc', ovs.mgmt('dp0'))).toMatch(/DP Description: handmade/);
  });

  test('owned bridges no longer desired are deleted, foreign ones beside them stay', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await ovs.vsctl('add-br', 'br-int');
    await applyPlan(vsctl, planHost([spec, { ...spec, network: 'other', bridge: 'dp1', datapathId: undefined }], []));
    expect(await ovs.vsctl('list-br')).toBe('br-int\ndp0\ndp1');

    const plan = planHost([spec], (await observeHost(vsctl)).bridges);
    expect(plan.ops).toEqual([{ kind: 'delete-bridge', bridge: 'dp1' }]);
    await applyPlan(vsctl, plan);
    expect(await ovs.vsctl('list-br')).toBe('br-int\ndp0');
  });
});
