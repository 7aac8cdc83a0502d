import { describe, expect } from 'vitest';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { ovsHostTest as test } from '../../support/ovs-host-test';

const COUNT = 200;

function network(i: number): BridgeSpec {
  return {
    network: `net${i}`,
    networkUuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    generation: 1,
    bridge: `nf${i}`,
    datapathId: (0x1000 + i).toString(16).padStart(16, '0'),
    description: `network ${i}`,
    failMode: 'secure',
    controllers: [{ target: `tcp:127.0.0.1:${20000 + i}`, connectionMode: 'out-of-band', maxBackoffMs: 5000 }],
    extraExternalIds: {},
  };
}

describe('OVS driver - many bridges', () => {
  test(`${COUNT} bridges in one ovs-vsctl transaction`, async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db, timeoutSeconds: 60 });
    const desired = Array.from({ length: COUNT }, (_, i) => network(i));

    const plan = planHost(desired, (await observeHost(vsctl)).bridges);
    expect(plan.ops).toHaveLength(COUNT);
    const started = performance.now();
    await applyPlan(vsctl, plan);
    const applyMs = performance.now() - started;

    const observeStarted = performance.now();
    const observed = await observeHost(vsctl);
    const observeMs = performance.now() - observeStarted;
    expect(observed.bridges).toHaveLength(COUNT);
    expect(planHost(desired, observed.bridges)).toEqual({ ops: [], refusals: [], drift: [] });
    expect((await ovs.vsctl('list-br')).split('\n')).toHaveLength(COUNT);
    expect(await ovs.ofctl('dump-desc', ovs.mgmt(`nf${COUNT - 1}`))).toMatch(new RegExp(`DP Description: network ${COUNT - 1}`));

    const removeStarted = performance.now();
    await applyPlan(vsctl, planHost([], observed.bridges));
    const removeMs = performance.now() - removeStarted;
    expect(await ovs.vsctl('list-br')).toBe('');

    console.log(
      `[ovs] ${COUNT} bridges: apply ${applyMs.toFixed(0)} ms (${((COUNT / applyMs) * 1000).toFixed(0)}/s, waited for vswitchd), ` +
        `observe ${observeMs.toFixed(0)} ms, delete ${removeMs.toFixed(0)} ms`,
    );
  });
});
