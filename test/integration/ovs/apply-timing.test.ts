import { execa } from 'execa';
import { describe, expect } from 'vitest';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { ovsHostTest as test } from '../../support/ovs-host-test';

// Figures, not assertions on speed (machines differ): printed for the record. What is asserted
// is what "started" means: after applyPlan (which waits for vswitchd) the bridge answers
// OpenFlow with its DP Description at once.

const ROUNDS = 20;

function one(i: number): BridgeSpec {
  return {
    network: `t${i}`,
    networkUuid: `u${i}`,
    generation: 1,
    bridge: `t${i}`,
    datapathId: (0x2000 + i).toString(16).padStart(16, '0'),
    description: `timing ${i}`,
    controllers: [{ target: 'tcp:127.0.0.1:1', connectionMode: 'out-of-band' }],
    extraExternalIds: {},
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('OVS driver - timing of one bridge', () => {
  test('applyPlan vs raw ovs-vsctl add-br, waiting and not waiting for vswitchd', async ({ sandbox, ovs }) => {
    const vsctl = createVsctl({ db: sandbox.db });
    const raw: number[] = [];
    const rawNoWait: number[] = [];
    const applied: number[] = [];
    const appliedNoWait: number[] = [];
    const fullCycle: number[] = [];
    let noWaitNotReady = 0;

    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now();
      await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, 'add-br', `r${i}`]);
      raw.push(performance.now() - t);

      t = performance.now();
      await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, '--no-wait', 'add-br', `n${i}`]);
      rawNoWait.push(performance.now() - t);

      const plan = planHost([one(i)], []);
      t = performance.now();
      await applyPlan(vsctl, plan);
      applied.push(performance.now() - t);
      // "started": the bridge answers with its description right away.
      expect(await ovs.ofctl('dump-desc', ovs.mgmt(`t${i}`))).toMatch(`DP Description: timing ${i}`);

      const late = { ...one(i + 1000), bridge: `w${i}`, datapathId: (0x9000 + i).toString(16).padStart(16, '0') };
      t = performance.now();
      await applyPlan(vsctl, planHost([late], []), { wait: false });
      appliedNoWait.push(performance.now() - t);
      // With --no-wait the database has it, vswitchd may not yet.
      const desc = await execa('ovs-ofctl', ['dump-desc', ovs.mgmt(`w${i}`)], { env: sandbox.env, reject: false });
      if (desc.exitCode !== 0 || !desc.stdout.includes(`DP Description: timing ${i + 1000}`)) noWaitNotReady++;

      // The agent's whole cycle: observe, plan, apply (one more bridge each time).
      t = performance.now();
      const observed = await observeHost(vsctl);
      await applyPlan(vsctl, planHost([{ ...one(i + 2000), bridge: `c${i}`, datapathId: undefined }], observed.bridges.filter((b) => b.name === `c${i}`)));
      fullCycle.push(performance.now() - t);
    }

    console.log(
      `[ovs] one bridge, median of ${ROUNDS}: raw add-br ${median(raw).toFixed(1)} ms (--no-wait ${median(rawNoWait).toFixed(1)} ms); ` +
        `applyPlan ${median(applied).toFixed(1)} ms (wait:false ${median(appliedNoWait).toFixed(1)} ms); ` +
        `observe+plan+apply ${median(fullCycle).toFixed(1)} ms; ` +
        `--no-wait bridge not yet answering dump-desc right after: ${noWaitNotReady}/${ROUNDS}`,
    );
  });
});
