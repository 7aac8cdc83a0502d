import { execa } from 'execa';
import { bridgeSpecOf } from '@netfleet/agent/desired/bridge-spec-of';
import { planHost } from '@netfleet/agent/plan/plan-host';
import { toVsctlArgs } from '@netfleet/agent/plan/vsctl-argv';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import { startTestFleet, type TestFleet } from '../test/support/test-fleet';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { percentile } from './support/stats';

const RUNS = Number(process.env['NETFLEET_BENCH_RUNS'] ?? 40);
const GOAL_MS = 25;

/**
 * `net-start --wait` and `net-destroy --wait` through the API (HTTP → PostgreSQL → outbox →
 * JetStream → agent → ovs-vsctl → report → PostgreSQL → NOTIFY → answer), for one network on 1
 * and on 3 hosts, beside the raw ovs-vsctl apply of the same bridge on the same sandboxes, in
 * the same run. On 3 hosts the raw figure is the slowest of the three hosts' applies, run at once.
 */
export async function run(log: (line: string) => void): Promise<BenchResult> {
  const fleet = await startTestFleet({ hosts: ['hv1', 'hv2', 'hv3'], controller: true });
  const figures: Figure[] = [];
  try {
    for (const hosts of [['hv1'], ['hv1', 'hv2', 'hv3']]) {
      const name = `bench${hosts.length}`;
      const xml = `<network type="ovs-datapath">\n  <name>${name}</name>\n  <datapath name="bn${hosts.length}" id="00000000000000b${hosts.length}" hwdesc="bench"/>\n  <controller protocol="tcp" address="127.0.0.1" port="${fleet.controller.port}" outofband="yes"/>\n</network>\n`;
      await call(fleet, 'POST', '/v1/networks', { xml, hosts });
      const start: number[] = [];
      const destroy: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        start.push(await timed(() => call(fleet, 'POST', `/v1/networks/${name}/start?wait=true&timeout=30`)));
        destroy.push(await timed(() => call(fleet, 'POST', `/v1/networks/${name}/destroy?wait=true&timeout=30`)));
      }
      log(`${hosts.length} host(s): ${RUNS} start/destroy rounds through the API done`);
      await call(fleet, 'DELETE', `/v1/networks/${name}`);

      // The same bridge, columns and controller, as the agent's own plan writes it: one raw ovs-vsctl each.
      const { spec } = bridgeSpecOf({ network: `raw${hosts.length}`, uuid: '00000000-0000-4000-8000-000000000000', generation: 1 }, parseNetworkXml(xml));
      const add = toVsctlArgs(planHost([spec], []).ops);
      const rawStart: number[] = [];
      const rawDestroy: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        rawStart.push(await timed(() => Promise.all(hosts.map((h) => vsctl(fleet, h, add)))));
        rawDestroy.push(await timed(() => Promise.all(hosts.map((h) => vsctl(fleet, h, ['--if-exists', 'del-br', spec.bridge])))));
      }
      log(`${hosts.length} host(s): ${RUNS} raw ovs-vsctl add/delete rounds done`);
      for (const [verb, ours, raw] of [['net-start --wait', start, rawStart], ['net-destroy --wait', destroy, rawDestroy]] as const) {
        for (const p of [50, 99]) {
          const value = percentile(ours, p);
          const baseline = percentile(raw, p);
          figures.push(figure({
            name: `${verb}, ${hosts.length} host${hosts.length > 1 ? 's' : ''}, p${p}`, unit: 'ms', value, baseline, better: 'lower',
            baselineName: hosts.length > 1 ? 'slowest of 3 raw ovs-vsctl' : 'raw ovs-vsctl',
            ...(p === 50 ? { goal: `≤ raw + ${GOAL_MS} ms (+${(value - baseline).toFixed(1)} ms)`, met: value - baseline <= GOAL_MS } : {}),
          }));
        }
      }
    }
  } finally {
    await fleet.stop();
  }
  return {
    bench: 'e2e', at: new Date().toISOString(), machine: machine({ runs: RUNS }), figures,
    notes: [
      'ours: HTTP POST …/start?wait=true from request to answer, every placed host having reported; the raw figure includes starting the ovs-vsctl process, as the agent does',
      'the raw apply waits for ovs-vswitchd to reconfigure, as the agent does (no --no-wait)',
    ],
  };
}

async function call(fleet: TestFleet, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${fleet.apiUrl}${path}`, {
    method, headers: { authorization: `Bearer ${fleet.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const answer = (await response.json()) as { complete?: boolean; message?: string };
  if (!response.ok) throw new Error(`${method} ${path}: ${answer.message}`);
  if (path.includes('wait=true') && !answer.complete) throw new Error(`${method} ${path}: not every host answered: ${JSON.stringify(answer)}`);
  return answer;
}

const vsctl = (fleet: TestFleet, host: string, args: string[]) =>
  execa('ovs-vsctl', ['--timeout=10', `--db=${fleet.host(host).sandbox.db}`, ...args]);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
