import { describe, expect } from 'vitest';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { ovsHostTest as test } from '../../support/ovs-host-test';
import { bridgeColumns } from '../../support/bridge-columns';
import { until } from '../../support/until';

// The RFC's example network, applied to a real (sandboxed) Open vSwitch, checked with OVS's own tools.
function ofnet(target: string): BridgeSpec {
  return {
    network: 'ofnet',
    networkUuid: '3e3fce45-4f53-4fa7-bb32-11f34168b82b',
    generation: 1,
    bridge: 'dp0',
    datapathId: '0000000000000abc',
    description: 'rfovs',
    controllers: [{ target, connectionMode: 'out-of-band' }],
    extraExternalIds: { 'netfleet-mfr-desc': 'ACME Corp.', 'netfleet-hw-desc': 'rfovs' },
  };
}

describe('OVS driver - apply a network', () => {
  test('creates the bridge with datapath id, description, marks and an out-of-band controller that connects', async ({ sandbox, ovs, controller }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    const spec = ofnet(controller.target);
    const plan = planHost([spec], (await observeHost(vsctl)).bridges);
    expect(plan.refusals).toEqual([]);
    const result = await applyPlan(vsctl, plan);
    expect(result.ops).toBe(1);

    // What OVS itself says, right after applyPlan returns (it waited for vswitchd).
    const expected = {
      'other_config:datapath-id': '"0000000000000abc"', 'external_ids:netfleet-owner': 'netfleet', 'external_ids:netfleet-network': 'ofnet',
      'external_ids:netfleet-generation': '"1"', 'external_ids:netfleet-mfr-desc': '"ACME Corp."', datapath_id: '"0000000000000abc"',
    };
    expect(await bridgeColumns(ovs.vsctl, 'dp0', Object.keys(expected))).toEqual(expected);
    expect(await ovs.ofctl('dump-desc', ovs.mgmt('dp0'))).toMatch(/DP Description: rfovs/);
    expect(await ovs.ofctl('show', ovs.mgmt('dp0'))).toMatch(/dpid:0000000000000abc/);
    expect(await ovs.vsctl('--bare', '--columns=target,connection_mode', 'list', 'controller')).toBe(
      `${controller.target}\nout-of-band`,
    );

    // is_connected is refreshed with the statistics (every 5 s): poll with a deadline.
    const connected = await until(
      async () => (await observeHost(vsctl)).bridges[0]?.controllers.find((c) => c.isConnected),
      'the controller to connect',
      { timeoutMs: 12_000, pollMs: 200 },
    );
    expect(connected).toMatchObject({ target: controller.target, isConnected: true, connectionMode: 'out-of-band' });
    expect(await ovs.vsctl('--bare', '--columns=is_connected', 'list', 'controller')).toBe('true');

    // Converged: the same desired state plans nothing (TestDoNothing against real OVS).
    expect(planHost([spec], (await observeHost(vsctl)).bridges)).toEqual({ ops: [], refusals: [], drift: [] });
  });

  test('observes the whole host in one ovs-vsctl call and parses what OVS wrote', async ({ sandbox }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    const spec = { ...ofnet('tcp:127.0.0.1:1'), description: 'quotes " and \\ and , = : [ ] { }' };
    await applyPlan(vsctl, planHost([spec], []));
    const host = await observeHost(vsctl);
    expect(host.ssl).toBeUndefined();
    expect(host.bridges).toEqual([
      expect.objectContaining({
        name: 'dp0',
        otherConfig: { 'datapath-id': '0000000000000abc', 'dp-desc': 'quotes " and \\ and , = : [ ] { }' },
        failMode: undefined,
        controllers: [expect.objectContaining({ target: 'tcp:127.0.0.1:1', connectionMode: 'out-of-band', isConnected: false })],
      }),
    ]);
  });

  test('deletes the bridge when the network goes away', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    await applyPlan(vsctl, planHost([ofnet('tcp:127.0.0.1:1')], []));
    const plan = planHost([], (await observeHost(vsctl)).bridges);
    expect(plan.ops).toEqual([{ kind: 'delete-bridge', bridge: 'dp0' }]);
    await applyPlan(vsctl, plan);
    expect(await ovs.vsctl('list-br')).toBe('');
    expect(await ovs.vsctl('--bare', '--columns=_uuid', 'list', 'controller')).toBe('');
  });

  test('maps OVS failures to NetfleetError with OVS text', async ({ sandbox }) => {
    const vsctl = createVsctl({ db: sandbox.db, timeoutSeconds: 2 });
    await expect(vsctl.run(['set', 'bridge', 'nope', 'fail_mode=secure'])).rejects.toMatchObject({
      code: 'NF_OVS_COMMAND_FAILED',
      message: expect.stringContaining('no row "nope" in table Bridge'),
    });
    await expect(createVsctl({ db: `unix:${sandbox.dir}/missing.sock`, timeoutSeconds: 1 }).run(['list-br'])).rejects.toMatchObject({
      code: 'NF_OVS_DB_UNREACHABLE',
    });
    // vswitchd frozen: the database commits but ovs-vsctl's wait for vswitchd runs into --timeout.
    process.kill(sandbox.pids().ovsVswitchd, 'SIGSTOP');
    try {
      await expect(createVsctl({ db: sandbox.db, timeoutSeconds: 1 }).run(['add-br', 'late0'])).rejects.toMatchObject({
        code: 'NF_OVS_TIMEOUT',
      });
    } finally {
      process.kill(sandbox.pids().ovsVswitchd, 'SIGCONT');
    }
  });
});
