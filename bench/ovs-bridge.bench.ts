import { execa } from 'execa';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { observeHost } from '@netfleet/agent/ovs/observe-bridges';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { startTestSandbox } from '../test/support/test-ovs';
import { figure, machine, type BenchResult } from './support/report';

/**
 * One bridge at a time on an OVS sandbox, the ovs-vsctl driver beside raw ovs-vsctl in the same
 * run (formerly printed by a test): applyPlan (which waits for ovs-vswitchd) vs `ovs-vsctl
 * add-br`, both also without waiting (`--no-wait`, `wait: false`), and the agent's whole cycle
 * (observe + plan + apply). After a waiting apply the bridge must answer OpenFlow at once.
 */
const ROUNDS = Number(process.env['BENCH_OVS_ROUNDS'] ?? 20);

function one(i: number): BridgeSpec {
  return {
    network: `t${i}`, networkUuid: `u${i}`, generation: 1, bridge: `t${i}`,
    datapathId: (0x2000 + i).toString(16).padStart(16, '0'), description: `timing ${i}`,
    controllers: [{ target: 'tcp:127.0.0.1:1', connectionMode: 'out-of-band' }], extraExternalIds: {},
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = async (fn: () => Promise<unknown>): Promise<number> => { const t = performance.now(); await fn(); return performance.now() - t; };

export async function run(log: (line: string) => void): Promise<BenchResult> {
  const sandbox = await startTestSandbox('bench');
  try {
    const vsctl = createVsctl({ db: sandbox.db });
    const rawVsctl = (...args: string[]) => execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, ...args]);
    const dumpDesc = (bridge: string) => execa('ovs-ofctl', ['dump-desc', `unix:${sandbox.dir}/${bridge}.mgmt`], { env: sandbox.env, reject: false });
    const s = { raw: [] as number[], rawNoWait: [] as number[], applied: [] as number[], appliedNoWait: [] as number[], cycle: [] as number[] };
    let noWaitNotReady = 0;
    for (let i = 0; i < ROUNDS; i++) {
      s.raw.push(await timed(() => rawVsctl('add-br', `r${i}`)));
      s.rawNoWait.push(await timed(() => rawVsctl('--no-wait', 'add-br', `n${i}`)));
      s.applied.push(await timed(() => applyPlan(vsctl, planHost([one(i)], []))));
      // "started": the bridge answers with its description right away.
      const desc = await dumpDesc(`t${i}`);
      if (!desc.stdout.includes(`DP Description: timing ${i}`)) throw new Error(`bridge t${i} did not answer dump-desc right after applyPlan: ${desc.stderr}`);

      const late = { ...one(i + 1000), bridge: `w${i}`, datapathId: (0x9000 + i).toString(16).padStart(16, '0') };
      s.appliedNoWait.push(await timed(() => applyPlan(vsctl, planHost([late], []), { wait: false })));
      // With wait: false the database has it, vswitchd may not yet.
      const lateDesc = await dumpDesc(`w${i}`);
      if (lateDesc.exitCode !== 0 || !lateDesc.stdout.includes(`DP Description: timing ${i + 1000}`)) noWaitNotReady++;

      s.cycle.push(await timed(async () => {
        const observed = await observeHost(vsctl);
        await applyPlan(vsctl, planHost([{ ...one(i + 2000), bridge: `c${i}`, datapathId: undefined }], observed.bridges.filter((b) => b.name === `c${i}`)));
      }));
    }
    log(`${ROUNDS} rounds; wait:false bridge not yet answering dump-desc right after: ${noWaitNotReady}/${ROUNDS}`);
    const ms = { unit: 'ms', better: 'lower' as const };
    return {
      bench: 'ovs-bridge', at: new Date().toISOString(),
      machine: machine({ ovs: (await execa('ovs-vsctl', ['--version'])).stdout.split('\n')[0] ?? 'unknown' }),
      figures: [
        figure({ name: 'one bridge, applyPlan (waits for vswitchd)', ...ms, value: median(s.applied), baselineName: 'ovs-vsctl add-br', baseline: median(s.raw) }),
        figure({ name: 'one bridge, applyPlan wait:false', ...ms, value: median(s.appliedNoWait), baselineName: 'ovs-vsctl --no-wait add-br', baseline: median(s.rawNoWait) }),
        figure({ name: 'one bridge, observe + plan + apply', ...ms, value: median(s.cycle), baselineName: 'ovs-vsctl add-br', baseline: median(s.raw) }),
      ],
      notes: [
        `medians of ${ROUNDS} rounds on one OVS sandbox (userspace datapath), one more bridge each round`,
        `wait:false: ${noWaitNotReady}/${ROUNDS} bridges did not yet answer ovs-ofctl dump-desc right after the apply returned`,
      ],
    };
  } finally {
    await sandbox.stop();
  }
}
