import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { sql } from 'kysely';
import { startScaledFleet, type ScaledFleet } from '@netfleet/devfleet/scaled-fleet';
import { createDatabase } from '@netfleet/eventstore/database';
import { silentLogger } from '@netfleet/log/logger';
import { PG_SERVER } from '../test/support/test-database';
import { testDatabaseName } from '../test/support/test-names';
import { writeFleetPlot, type FleetPoint } from './support/fleet-plot';
import { startOvnFleet } from './support/ovn-fleet';
import { cpuMs, rssMiB } from './support/proc-stats';
import { figure, machine, type BenchResult, type Figure } from './support/report';
import { percentile } from './support/stats';

const CHECKOUT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** What grows with N, measured on the netfleet fleet of N hosts. */
export interface FleetCosts {
  hosts: number;
  upSeconds: number;
  apiCpuMsPer1000Events: number;
  pgCpuMsPer1000Events: number;
  idle: { natsMessagesPerSecond: number; eventsPerSecond: number; pgCommitsPerSecond: number; pgRowWritesPerSecond: number };
  memory: { agentMiBPerHost: number; ovsMiBPerHost: number; apiMiB: number; ovnChassisMiB?: number };
  nats: { consumers: number; subscriptions: number; connections: number };
  fleetGet: { bytes: number; ms: number };
  /**
   * OVS alone on the same sandboxes: one ovs-vsctl per host at once, each adding (then deleting)
   * a bridge with a controller and waiting for its ovs-vswitchd (medians): what creating N
   * bridges costs this machine without netfleet, the floor under `net-start --wait`.
   */
  ovsAlone: { startMs: number; destroyMs: number };
}

interface Options { hosts: number[]; networks: number; runs: number }

function options(args: string[]): Options {
  const { values } = parseArgs({
    args, strict: true,
    options: { hosts: { type: 'string', default: '1,5' }, networks: { type: 'string', default: '100' }, runs: { type: 'string', default: '5' } },
  });
  return { hosts: values.hosts.split(',').map(Number), networks: Number(values.networks), runs: Number(values.runs) };
}

const median = (xs: number[]) => percentile(xs, 50);
const timed = async (fn: () => Promise<unknown>) => { const t = performance.now(); await fn(); return performance.now() - t; };
const pad = (n: number) => String(n).padStart(4, '0');

/**
 * netfleet beside OVN on the same machine, in the same run, for fleets of N simulated hosts:
 *  - one network placed on all N hosts: `net-start --wait` until every host reported, and
 *    `net-destroy --wait`; OVN: `ovn-nbctl --wait=hv ls-add S -- lsp-add S P1 … PN` with Pj
 *    bound on chassis j, and `ovn-nbctl --wait=hv ls-del S`;
 *  - M networks (default 100; `--networks 1000`), each on one host, all started at once until
 *    every one is reported; OVN: M switches with one bound port each, in one --wait=hv transaction;
 *  - the costs that grow with N (see FleetCosts).
 * Options: `npm run bench -- fleet --hosts 1,5,20,50,100 --networks 1000 --runs 5`.
 */
export async function run(log: (line: string) => void, args: string[] = []): Promise<BenchResult> {
  const opts = options(args);
  const figures: Figure[] = [];
  const costs: FleetCosts[] = [];
  const notes: string[] = [];
  const points: FleetPoint[] = [];
  await execa('bash', [join(CHECKOUT, 'bench/support/install-ovn.sh')], { stdio: 'inherit' });

  for (const n of opts.hosts) {
    // One N failing (a timeout on a busy machine) still leaves the others' figures.
    let ours: Awaited<ReturnType<typeof measureNetfleet>>;
    let ovn: Awaited<ReturnType<typeof measureOvn>>;
    try {
      ours = await measureNetfleet(n, opts, log);
      costs.push(ours.costs);
      ovn = await measureOvn(n, opts, log);
    } catch (e) {
      log(`N=${n} failed: ${(e as Error).message}`);
      notes.push(`N=${n} was not measured: ${(e as Error).message}`);
      continue;
    }
    costs.at(-1)!.memory.ovnChassisMiB = ovn.chassisMiB;
    const vs = (name: string, value: number, baseline: number, baselineName: string) => figures.push(figure({
      name, unit: 'ms', value, baseline, baselineName, better: 'lower', goal: '≤ OVN', met: value <= baseline,
    }));
    vs(`net-start --wait, 1 network on ${n} host${n > 1 ? 's' : ''} (median)`, ours.start, ovn.start, 'ovn-nbctl --wait=hv ls-add + lsp-add ×N');
    vs(`net-destroy --wait, ${n} host${n > 1 ? 's' : ''} (median)`, ours.destroy, ovn.destroy, 'ovn-nbctl --wait=hv ls-del');
    vs(`${opts.networks} networks started at once on ${n} host${n > 1 ? 's' : ''}`, ours.many, ovn.many, `${opts.networks} ls + lsp, one --wait=hv txn`);
    points.push(
      { hosts: n, system: 'netfleet', work: 'start', ms: ours.start }, { hosts: n, system: 'OVN', work: 'start', ms: ovn.start },
      { hosts: n, system: 'netfleet', work: 'destroy', ms: ours.destroy }, { hosts: n, system: 'OVN', work: 'destroy', ms: ovn.destroy },
    );
    if (ours.incomplete.length > 0) notes.push(`N=${n}: ${ours.incomplete.join('; ')}`);
  }
  log(`plot written to ${await writeFleetPlot(points)}`);
  notes.push('Each N: the netfleet fleet is brought up, measured and torn down, then the OVN fleet; never both at once.');
  notes.push('netfleet times are through the HTTP API (?wait=true), OVN times include starting ovn-nbctl.');
  return { bench: 'fleet', at: new Date().toISOString(), machine: machine({ load: (await import('node:os')).loadavg()[0]!.toFixed(1) }), figures, notes, costs } as BenchResult;
}

async function measureNetfleet(n: number, opts: Options, log: (line: string) => void) {
  const dir = join(tmpdir(), `nf-fb-${randomBytes(3).toString('hex')}`);
  const database = testDatabaseName();
  const up = performance.now();
  const fleet = await startScaledFleet({
    hosts: n, agentsPerProcess: 20, dir, pgServer: PG_SERVER, database, apiPort: 0, controllerPort: 0, checkout: CHECKOUT,
    log: silentLogger(), env: { NETFLEET_LOG_LEVEL: 'warn' }, readyTimeoutMs: 600_000,
    onProgress: (ready, total) => { if (ready === total || ready % 10 === 0) log(`netfleet N=${n}: hosts ready ${ready} / ${total}`); },
  });
  const upSeconds = (performance.now() - up) / 1000;
  const db = createDatabase(fleet.databaseUrl);
  const incomplete: string[] = [];
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${fleet.apiUrl}${path}`, {
        method, headers: { authorization: `Bearer ${fleet.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return text;
    };
    const xml = (name: string, bridge: string, id: number) => `<network type="ovs-datapath">\n  <name>${name}</name>\n  <datapath name="${bridge}" id="${id.toString(16).padStart(16, '0')}"/>\n  <controller protocol="tcp" address="127.0.0.1" port="${fleet.controller.port}" outofband="yes"/>\n</network>\n`;
    const hostNames = fleet.hosts.map((h) => h.name);

    // One network on every host.
    await call('POST', '/v1/networks', { xml: xml('wide', 'dpwide', 0xffff), hosts: hostNames });
    const start: number[] = [];
    const destroy: number[] = [];
    const check = (text: string, want: string) => {
      const answer = JSON.parse(text) as { hosts: { outcome: string }[] };
      const off = answer.hosts.filter((h) => h.outcome !== want).length;
      if (off > 0) incomplete.push(`${off} host(s) did not answer ${want} in time`);
    };
    for (let i = 0; i < opts.runs; i++) {
      let text = '';
      start.push(await timed(async () => { text = await call('POST', '/v1/networks/wide/start?wait=true&timeout=300'); }));
      check(text, 'running');
      destroy.push(await timed(async () => { text = await call('POST', '/v1/networks/wide/destroy?wait=true&timeout=300'); }));
      check(text, 'stopped');
    }
    log(`netfleet N=${n}: start ${median(start).toFixed(1)} ms, destroy ${median(destroy).toFixed(1)} ms (median of ${opts.runs})`);
    await call('DELETE', '/v1/networks/wide');
    const ovsAlone = await measureOvsAlone(fleet, opts.runs);
    log(`OVS alone N=${n}: add-br + controller on every host ${ovsAlone.startMs.toFixed(1)} ms, del-br ${ovsAlone.destroyMs.toFixed(1)} ms (median of ${opts.runs})`);

    // Idle: nothing changes for 10 s.
    const idle = await idleLoad(fleet, db, 10_000);

    // M networks, each on one host, started at once.
    const names = Array.from({ length: opts.networks }, (_, k) => `m${pad(k)}`);
    const queue = [...names.entries()];
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) await call('POST', '/v1/networks', { xml: xml(e[1], `bm${pad(e[0])}`, e[0] + 1), hosts: [hostNames[e[0] % n]!] });
    }));
    const positionNow = async () => Number((await sql<{ p: string }>`select coalesce(max(position), 0) as p from events`.execute(db)).rows[0]!.p);
    const before = { position: await positionNow(), api: cpuMs(fleet.pids.api!), pg: await pgBackendCpu(db, fleet.database) };
    const t0 = performance.now();
    await Promise.all(names.map((name) => call('POST', `/v1/networks/${name}/start`)));
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { rows } = await sql<{ n: string }>`select count(*) as n from events where position > ${before.position} and type = 'NetworkStartedOnHost'`.execute(db);
      if (Number(rows[0]!.n) >= opts.networks) break;
      if (Date.now() > deadline) { incomplete.push(`only ${rows[0]!.n} of ${opts.networks} networks reported within 600 s`); break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    const many = performance.now() - t0;
    const events = (await positionNow()) - before.position;
    const apiCpu = cpuMs(fleet.pids.api!) - before.api;
    const pgCpu = pgCpuBetween(before.pg, await pgBackendCpu(db, fleet.database));
    log(`netfleet N=${n}: ${opts.networks} networks started in ${many.toFixed(0)} ms (${events} events; API ${apiCpu} ms CPU, PostgreSQL ${pgCpu} ms CPU)`);

    const fleetGet: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) fleetGet.push(await timed(async () => { bytes = (await call('GET', '/v1/fleet')).length; }));
    const agentPids = [...new Set(fleet.pids.agentGroups.filter((p): p is number => p !== undefined))];
    const jsz = (await (await fetch(`${fleet.natsMonitorUrl}/jsz?consumers=true`)).json()) as { consumers: number };
    const subsz = (await (await fetch(`${fleet.natsMonitorUrl}/subsz`)).json()) as { num_subscriptions: number };
    const varz = (await (await fetch(`${fleet.natsMonitorUrl}/varz`)).json()) as { connections: number };
    return {
      start: median(start), destroy: median(destroy), many, incomplete,
      costs: {
        hosts: n, upSeconds,
        apiCpuMsPer1000Events: (apiCpu * 1000) / Math.max(1, events),
        pgCpuMsPer1000Events: (pgCpu * 1000) / Math.max(1, events),
        idle,
        memory: {
          agentMiBPerHost: agentPids.reduce((s, p) => s + rssMiB(p), 0) / n,
          ovsMiBPerHost: fleet.hosts.reduce((s, h) => s + rssMiB(h.ovsPids.ovsVswitchd) + rssMiB(h.ovsPids.ovsdbServer), 0) / n,
          apiMiB: rssMiB(fleet.pids.api!),
        },
        nats: { consumers: jsz.consumers, subscriptions: subsz.num_subscriptions, connections: varz.connections },
        fleetGet: { bytes, ms: median(fleetGet) },
        ovsAlone,
      } satisfies FleetCosts,
    };
  } finally {
    await db.destroy();
    await fleet.stop();
  }
}

/** The same bridge work as `net-start` / `net-destroy`, by ovs-vsctl on every host at once (see FleetCosts.ovsAlone). */
async function measureOvsAlone(fleet: ScaledFleet, runs: number): Promise<FleetCosts['ovsAlone']> {
  const vsctl = (db: string, args: string[]) => execa('ovs-vsctl', [`--db=${db}`, '--timeout=300', ...args]);
  const start: number[] = [];
  const destroy: number[] = [];
  for (let i = 0; i < runs; i++) {
    start.push(await timed(() => Promise.all(fleet.hosts.map((h) => vsctl(h.ovsDb, [
      'add-br', 'dpraw', '--', 'set', 'bridge', 'dpraw', 'other-config:datapath-id=000000000000fffe', 'fail-mode=secure',
      '--', 'set-controller', 'dpraw', `tcp:127.0.0.1:${fleet.controller.port}`,
    ])))));
    destroy.push(await timed(() => Promise.all(fleet.hosts.map((h) => vsctl(h.ovsDb, ['del-br', 'dpraw'])))));
  }
  return { startMs: median(start), destroyMs: median(destroy) };
}

/**
 * CPU of the PostgreSQL backends serving the fleet's database (the server is shared: only ours
 * count), per backend pid, so a backend that ends between two samples is not counted negative.
 */
async function pgBackendCpu(db: ReturnType<typeof createDatabase>, database: string): Promise<Map<number, number>> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${database}`.execute(db);
  return new Map(rows.map((r) => [r.pid, cpuMs(r.pid)]));
}

/** CPU used between two samples: per pid still there, what it added; a new pid, all of it. */
function pgCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

async function idleLoad(fleet: ScaledFleet, db: ReturnType<typeof createDatabase>, ms: number): Promise<FleetCosts['idle']> {
  const sample = async () => {
    const varz = (await (await fetch(`${fleet.natsMonitorUrl}/varz`)).json()) as { in_msgs: number };
    const stats = (await sql<{ c: string; w: string }>`select xact_commit as c, tup_inserted + tup_updated + tup_deleted as w from pg_stat_database where datname = ${fleet.database}`.execute(db)).rows[0]!;
    const position = Number((await sql<{ p: string }>`select coalesce(max(position), 0) as p from events`.execute(db)).rows[0]!.p);
    return { msgs: varz.in_msgs, commits: Number(stats.c), writes: Number(stats.w), position };
  };
  await new Promise((r) => setTimeout(r, 1500)); // let the last pass's statistics flush
  const a = await sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = await sample();
  const s = ms / 1000;
  // Our own three sampling queries are commits too: subtract them.
  return { natsMessagesPerSecond: (b.msgs - a.msgs) / s, eventsPerSecond: (b.position - a.position) / s, pgCommitsPerSecond: Math.max(0, b.commits - a.commits - 3) / s, pgRowWritesPerSecond: (b.writes - a.writes) / s };
}

async function measureOvn(n: number, opts: Options, log: (line: string) => void) {
  const perChassis = (j: number) => [`P${j}`, ...Array.from({ length: opts.networks }, (_, k) => k).filter((k) => (k % n) + 1 === j).map((k) => `Q${pad(k)}`)];
  const ovn = await startOvnFleet(n, perChassis);
  try {
    const lspAdds = Array.from({ length: n }, (_, j) => ['--', 'lsp-add', 'S', `P${j + 1}`]).flat();
    const start: number[] = [];
    const destroy: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      start.push(await timed(() => ovn.nbctl(['--wait=hv', 'ls-add', 'S', ...lspAdds])));
      destroy.push(await timed(() => ovn.nbctl(['--wait=hv', 'ls-del', 'S'])));
    }
    const manyArgs = Array.from({ length: opts.networks }, (_, k) => ['--', 'ls-add', `M${pad(k)}`, '--', 'lsp-add', `M${pad(k)}`, `Q${pad(k)}`]).flat().slice(1);
    const many = await timed(() => ovn.nbctl(['--wait=hv', ...manyArgs]));
    const chassisMiB = ovn.chassisPids().reduce((s, pids) => s + pids.reduce((t, p) => t + rssMiB(p), 0), 0) / n;
    log(`OVN N=${n}: start ${median(start).toFixed(1)} ms, destroy ${median(destroy).toFixed(1)} ms, ${opts.networks} switches ${many.toFixed(0)} ms`);
    return { start: median(start), destroy: median(destroy), many, chassisMiB };
  } finally {
    await ovn.stop();
  }
}
