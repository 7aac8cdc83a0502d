import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { startAgent, type Agent } from '@netfleet/agent/agent';
import { applyPlan, createVsctl } from '@netfleet/agent/ovs/vsctl';
import { planHost } from '@netfleet/agent/plan/plan-host';
import type { BridgeSpec } from '@netfleet/agent/plan/bridge-spec';
import { connectBus, deleteStreams, DEFAULT_NATS_URL, encodeJson, ensureHostConsumer, ensureStreams, type NatsConnection } from '@netfleet/bus/nats';
import { busNames, type BusNames } from '@netfleet/bus/names';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import type { ApplyNetworkV1, DesiredStateV1 } from '@netfleet/events/host-commands';
import { silentLogger } from '@netfleet/log/logger';
import type { OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { benchName } from '../test/support/test-names';
import { startTestSandbox } from '../test/support/test-ovs';

/**
 * The agent against raw ovs-vsctl on the same OVS sandbox in the same run:
 *  - networks applied per second through the agent (ApplyNetwork commands published on its
 *    JetStream consumer → outcome events received) for 1, 100 and 1,000 networks, beside ONE
 *    chained ovs-vsctl transaction creating the same bridges with the same columns;
 *  - the same for removing them;
 *  - a single network: the agent's latency beside one raw ovs-vsctl call.
 * The agent's path: ovs-vsctl processes (one observe + one chained transaction per pass, waiting
 * for vswitchd), its OVSDB monitor running. No API: a stand-in answers the desired-state request.
 */
const NATS_URL = process.env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL;
const HOST = 'bench1';
const SIZES = (process.env['BENCH_AGENT_SIZES'] ?? '1,100,1000').split(',').map(Number);
const repeatsFor = (n: number) => (n === 1 ? 30 : n <= 100 ? 5 : 2);
/** The agent's default driver first (the goals apply to it), then ovs-vsctl for comparison. */
const DRIVERS = (process.env['BENCH_AGENT_DRIVERS'] ?? 'jsonrpc,vsctl').split(',') as ('jsonrpc' | 'vsctl')[];

const xmlOf = (name: string, i: number) =>
  `<network type="ovs-datapath"><name>${name}</name><datapath name="${name}" id="${(i + 1).toString(16).padStart(16, '0')}" hwdesc="bench ${i}"/></network>`;

export async function run(log: (line: string) => void): Promise<BenchResult> {
  const names = busNames(benchName());
  const nc = await connectBus({ servers: NATS_URL, name: 'bench-agent' });
  const sandbox = await startTestSandbox(HOST);
  const jsm = await jetstreamManager(nc);
  const bench = new AgentBench(nc, names, sandbox);
  try {
    await ensureStreams(jsm, names);
    await ensureHostConsumer(jsm, names, HOST);
    await bench.start();
    const figures: Figure[] = [];
    for (const driver of DRIVERS) for (const n of SIZES) {
      bench.driver = driver;
      const label = driver === 'jsonrpc' ? 'OVSDB JSON-RPC' : 'ovs-vsctl';
      const primary = driver === DRIVERS[0];
      const reps = repeatsFor(n);
      const raw = { apply: [] as number[], remove: [] as number[] };
      const agent = { apply: [] as number[], remove: [] as number[] };
      for (let r = 0; r < reps; r++) {
        const round = await bench.round(n);
        raw.apply.push(round.rawApplyMs); raw.remove.push(round.rawRemoveMs);
        agent.apply.push(round.agentApplyMs); agent.remove.push(round.agentRemoveMs);
      }
      const m = (xs: number[]) => median(xs);
      log(`[${label}] ${n} networks × ${reps}: apply agent ${m(agent.apply).toFixed(1)} ms vs raw ${m(raw.apply).toFixed(1)} ms; remove agent ${m(agent.remove).toFixed(1)} ms vs raw ${m(raw.remove).toFixed(1)} ms`);
      const rate = (ms: number) => (n * 1000) / ms;
      const goal = n >= 1000 && primary ? { goal: '>= 0.9× raw', met: rate(m(agent.apply)) / rate(m(raw.apply)) >= 0.9 } : {};
      figures.push(figure({ name: `apply ${n} network${n === 1 ? '' : 's'} [${label}]`, unit: 'networks/s', value: rate(m(agent.apply)), baselineName: 'one chained ovs-vsctl add-br transaction', baseline: rate(m(raw.apply)), better: 'higher', ...goal }));
      figures.push(figure({ name: `remove ${n} network${n === 1 ? '' : 's'} [${label}]`, unit: 'networks/s', value: rate(m(agent.remove)), baselineName: 'one chained ovs-vsctl del-br transaction', baseline: rate(m(raw.remove)), better: 'higher' }));
      if (n === 1) {
        const extra = m(agent.apply) - m(raw.apply);
        figures.push(figure({ name: `one network, latency [${label}]`, unit: 'ms', value: m(agent.apply), baselineName: 'one raw ovs-vsctl call', baseline: m(raw.apply), better: 'lower', ...(primary ? { goal: `<= raw + 5 ms (is raw ${extra >= 0 ? '+' : '-'} ${Math.abs(extra).toFixed(1)} ms)`, met: extra <= 5 } : {}) }));
      }
    }
    return {
      bench: 'agent', at: new Date().toISOString(), machine: machine({ ovs: await ovsVersion() }), figures,
      notes: [
        'agent path: ApplyNetwork commands on its JetStream consumer → passes (each: the OVSDB monitor replica after a sync round trip, the plan, ONE transaction waiting for ovs-vswitchd) → outcome events received; [OVSDB JSON-RPC] = one transact on the monitor\'s unix-socket session (the default), [ovs-vsctl] = one chained ovs-vsctl process (NETFLEET_OVS_DRIVER=vsctl)',
        'raw path: the same bridges and columns (planHost → toVsctlArgs) in one ovs-vsctl process, also waiting for vswitchd',
        'medians of repeated rounds (1: 30, 100: 5, 1,000: 2), each on an empty OVS sandbox (userspace datapath)',
      ],
    };
  } finally {
    await bench.stop();
    await deleteStreams(jsm, names).catch(() => undefined);
    await nc.close();
    await sandbox.stop();
  }
}

class AgentBench {
  private agent: Agent | undefined;
  private agentNc: NatsConnection | undefined;
  private desired: ApplyNetworkV1[] = [];
  private responder: Subscription | undefined;
  private generation = 0;
  private readonly vsctl;
  private readonly outcomes: { type: string; network: string; generation: number }[] = [];
  private waiter: (() => void) | undefined;
  driver: 'jsonrpc' | 'vsctl' = 'jsonrpc';

  constructor(private readonly nc: NatsConnection, private readonly names: BusNames, private readonly sandbox: OvsSandbox) {
    this.vsctl = createVsctl({ db: sandbox.db });
  }

  async start(): Promise<void> {
    this.responder = this.nc.subscribe(this.names.desiredStateSubject(HOST), {
      callback: (_err, msg) => { const answer: DesiredStateV1 = { v: 1, host: HOST, networks: this.desired }; msg.respond(encodeJson(answer)); },
    });
    // Outcomes as the API would receive them: a core subscription sees JetStream publishes too.
    this.nc.subscribe(this.names.eventFilter(HOST), {
      callback: (_err, msg) => {
        const e = msg.json<AgentEventMessageV1>();
        const data = e.data as { network?: string; generation?: number };
        if (data.network) this.outcomes.push({ type: e.type, network: data.network, generation: data.generation ?? 0 });
        this.waiter?.();
      },
    });
    await this.nc.flush();
    await this.startAgent();
  }

  private async startAgent(): Promise<void> {
    this.agentNc ??= await connectBus({ servers: NATS_URL, name: 'bench-agent-host', inboxPrefix: `_INBOX_${HOST}` });
    this.agent = await startAgent({ host: HOST, nc: this.agentNc, names: this.names, vsctl: this.vsctl, log: silentLogger(), heartbeatIntervalMs: 2000, ovsDriver: this.driver });
  }

  async stop(): Promise<void> {
    await this.agent?.stop();
    this.responder?.unsubscribe();
    await this.agentNc?.close();
  }

  /** One round for n networks: raw apply + remove with the agent stopped, then the agent's. */
  async round(n: number): Promise<{ rawApplyMs: number; rawRemoveMs: number; agentApplyMs: number; agentRemoveMs: number }> {
    const generation = ++this.generation;
    const commands = Array.from({ length: n }, (_, i): ApplyNetworkV1 => {
      const name = `b${generation % 1000}x${i}`;
      return { type: 'ApplyNetwork', v: 1, commandId: randomUUID(), correlationId: 'bench', host: HOST, network: name, uuid: randomUUID(), generation, desired: 'running', xml: xmlOf(name, i), issuedAt: new Date().toISOString() };
    });

    // Raw: the same bridges and columns, one process, one transaction (the agent is not running,
    // so it neither sees nor undoes them).
    await this.agent?.stop();
    this.agent = undefined;
    const specs: BridgeSpec[] = commands.map((c, i) => ({
      network: c.network, networkUuid: c.uuid, generation, bridge: c.network, datapathId: (i + 1).toString(16).padStart(16, '0'),
      description: `bench ${i}`, controllers: [], extraExternalIds: { 'netfleet-hwdesc': `bench ${i}` },
    }));
    const addOps = planHost(specs, []);
    let t = performance.now();
    await applyPlan(this.vsctl, addOps);
    const rawApplyMs = performance.now() - t;
    const delArgs = commands.flatMap((c) => ['--', '--if-exists', 'del-br', c.network]);
    t = performance.now();
    await this.vsctl.run(delArgs);
    const rawRemoveMs = performance.now() - t;

    // Through the agent: its durable consumer, its passes, its outcome events.
    this.desired = [];
    await this.startAgent();
    const js = jetstream(this.nc);
    t = performance.now();
    const startedSeen = this.until('NetworkStartedOnHost', generation, n);
    await Promise.all(commands.map((c) => js.publish(this.names.commandSubject(HOST), encodeJson(c), { msgID: c.commandId })));
    await startedSeen;
    const agentApplyMs = performance.now() - t;

    const stopGeneration = ++this.generation;
    const stops = commands.map((c): ApplyNetworkV1 => ({ ...c, commandId: randomUUID(), generation: stopGeneration, desired: 'stopped' }));
    t = performance.now();
    const stoppedSeen = this.until('NetworkStoppedOnHost', stopGeneration, n);
    await Promise.all(stops.map((c) => js.publish(this.names.commandSubject(HOST), encodeJson(c), { msgID: c.commandId })));
    await stoppedSeen;
    const agentRemoveMs = performance.now() - t;
    const left = (await this.vsctl.run(['list-br'])).trim();
    if (left !== '') throw new Error(`bridges left after removal: ${left.split('\n').length}`);
    return { rawApplyMs, rawRemoveMs, agentApplyMs, agentRemoveMs };
  }

  /** Resolves once n distinct networks reported `type` for `generation`. */
  private until(type: string, generation: number, n: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`timed out waiting for ${n} ${type}`)), 120_000);
      const check = () => {
        const seen = new Set(this.outcomes.filter((o) => o.type === type && o.generation === generation).map((o) => o.network));
        if (seen.size >= n) { clearTimeout(deadline); this.waiter = undefined; this.outcomes.length = 0; resolve(); }
        else if (this.outcomes.some((o) => o.type === 'NetworkFailedOnHost')) { clearTimeout(deadline); reject(new Error(`a network failed: ${JSON.stringify(this.outcomes.find((o) => o.type === 'NetworkFailedOnHost'))}`)); }
      };
      this.waiter = check;
      check();
    });
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

async function ovsVersion(): Promise<string> {
  const { execa } = await import('execa');
  return (await execa('ovs-vsctl', ['--version'])).stdout.split('\n')[0] ?? 'unknown';
}
