import { loadavg } from 'node:os';
import { until } from '../support/until';
import { FaultFleet } from './harness/fault-fleet';
import { FAULTS } from './faults';
import { busNames } from '@netfleet/bus/names';
import { checkInvariants, type CommandCounts, type InvariantReport, type StreamCount } from './invariants';
import { rollOut, type PlannedNetwork, type RolloutTally } from './rollout';
import { placements, seededRandom } from './schedule';

export interface FaultSuiteOptions {
  seed: number;
  hosts: number;
  networks: number;
  /** Faults by key of FAULTS, in order; the rollout is split evenly between them. */
  faults: string[];
  /** How long the fleet has to converge after a fault is healed. */
  convergeTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface FaultResult {
  fault: string;
  name: string;
  detail: string;
  survived: boolean;
  /** From the fault's healing to the checker finding every invariant true. */
  convergeMs: number | null;
  /**
   * What the fleet was still waiting for after the fault healed: each kind of violation the
   * checker found (numbers and names made generic) and how long after healing it was last seen.
   */
  waitedFor: { what: string; lastSeenMs: number }[];
  violations: string[];
}

export interface FaultSuiteReport {
  seed: number;
  hosts: number;
  networks: number;
  faults: FaultResult[];
  injected: number;
  survived: number;
  commands: CommandCounts;
  requests: { sent: number; retried: number; acknowledged: number; refused: number };
  /** The first refusals (4xx) the rollout met, with their answers. */
  refusals: RolloutTally['refused'];
  /** The final check, after the seeded schedule. */
  final: InvariantReport;
  loadAverage: { before: number[]; after: number[] };
  durationMs: number;
}

/**
 * The fault suite: brings up the fleet, rolls out `networks` networks in as many slices as there
 * are faults, injects each fault while its slice rolls out, heals it, and waits for the checker to
 * find every invariant true again (the time that takes is the fault's convergence time). A fault
 * survived when the fleet converged and what the outage should have shown did show.
 */
export async function runFaultSuite(options: FaultSuiteOptions): Promise<FaultSuiteReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const before = loadavg();
  const random = seededRandom(options.seed);
  const hostNames = Array.from({ length: options.hosts }, (_, i) => `hv${i + 1}`);
  const planned: PlannedNetwork[] = placements(random, options.networks, hostNames)
    .map((hosts, i) => ({ name: `fault-net-${i + 1}`, bridge: `fdp${i + 1}`, hosts }));
  const tally: RolloutTally = { requests: 0, retries: 0, acknowledged: [], refused: [] };
  const fleet = await FaultFleet.start({ hosts: options.hosts });
  log(`fleet up in ${Date.now() - started} ms (logs in ${fleet.logDir})`);
  const results: FaultResult[] = [];
  try {
    const slice = Math.ceil(planned.length / Math.max(1, options.faults.length));
    for (const [i, key] of options.faults.entries()) {
      const fault = FAULTS[key];
      if (!fault) throw new Error(`no fault '${key}' (known: ${Object.keys(FAULTS).join(', ')})`);
      const networks = planned.slice(i * slice, (i + 1) * slice);
      // The fault strikes once a third of its slice is acknowledged: mid-rollout.
      let done = 0;
      let strike!: () => void;
      const third = new Promise<void>((resolve) => { strike = resolve; });
      if (networks.length === 0) strike();
      const rollout = rollOut(fleet.apis, networks, tally, 4, () => { if (++done >= Math.ceil(networks.length / 3)) strike(); });
      await third;
      log(`fault ${i + 1}/${options.faults.length}: ${fault.name}`);
      const outcome = await fault.run(fleet, random);
      await rollout;
      const rolledOutMs = Date.now() - outcome.healedAt;
      const converged = await untilConverged(fleet, tally, options.convergeTimeoutMs ?? 120_000, outcome.healedAt);
      const violations = [...outcome.violations, ...converged.report.violations];
      results.push({ fault: key, name: fault.name, detail: outcome.detail, survived: violations.length === 0, convergeMs: converged.ok ? Date.now() - outcome.healedAt : null, waitedFor: converged.waitedFor, violations });
      const waited = converged.waitedFor.map((w) => `${w.what} (until ${(w.lastSeenMs / 1000).toFixed(1)} s)`).join('; ');
      log(`  ${violations.length === 0 ? 'survived' : 'FAILED'}: ${outcome.detail}; converged ${converged.ok ? `in ${Date.now() - outcome.healedAt} ms` : 'never'} (rest of the slice rolled out at ${(rolledOutMs / 1000).toFixed(1)} s${waited ? `; waited for: ${waited}` : ''})${violations.length ? `\n    ${violations.slice(0, 10).join('\n    ')}` : ''}`);
    }
    const final = await checkInvariants(fleet.db, fleet.hosts, tally.acknowledged, await streamCount(fleet));
    return {
      seed: options.seed, hosts: options.hosts, networks: options.networks, faults: results,
      injected: results.length, survived: results.filter((r) => r.survived).length, commands: final.commands,
      requests: { sent: tally.requests, retried: tally.retries, acknowledged: tally.acknowledged.length, refused: tally.refused.length },
      refusals: tally.refused.slice(0, 20),
      final, loadAverage: { before, after: loadavg() }, durationMs: Date.now() - started,
    };
  } finally {
    // A failed fault leaves its processes' logs (the global cleanup removes them after 2 hours);
    // NETFLEET_FAULTS_KEEP_LOGS=1 keeps them anyway (to read what a convergence waited for).
    fleet.keepLogs = results.some((r) => !r.survived) || process.env['NETFLEET_FAULTS_KEEP_LOGS'] === '1';
    if (fleet.keepLogs) log(`logs kept in ${fleet.logDir}`);
    await fleet.stop();
  }
}

async function streamCount(fleet: FaultFleet): Promise<StreamCount> {
  return { storedEver: await fleet.cluster.storedEver(busNames(fleet.namespace).commandStream), publishedBySuite: fleet.commandsPublishedBySuite };
}

/**
 * Re-runs the checker (a short poll: OVS announces nothing to this process) until it finds
 * nothing wrong, noting what it found meanwhile and when it last saw each (after `healedAt`).
 */
async function untilConverged(fleet: FaultFleet, tally: RolloutTally, timeoutMs: number, healedAt: number): Promise<{ ok: boolean; report: InvariantReport; waitedFor: FaultResult['waitedFor'] }> {
  let last: InvariantReport | undefined;
  const seen = new Map<string, number>();
  const waitedFor = () => [...seen].map(([what, lastSeenMs]) => ({ what, lastSeenMs }));
  try {
    await until(async () => {
      last = await streamCount(fleet).then((stream) => checkInvariants(fleet.db, fleet.hosts, tally.acknowledged, stream))
        .catch((e: Error) => ({ violations: [`the checker failed: ${e.message}`], commands: { issued: 0, applied: 0, lost: 0, doubled: 0 } }));
      for (const v of last.violations) seen.set(kindOf(v), Date.now() - healedAt);
      return last.violations.length === 0;
    }, 'every invariant to hold', { timeoutMs, pollMs: 500 });
    return { ok: true, report: last!, waitedFor: waitedFor() };
  } catch {
    return { ok: false, report: last!, waitedFor: waitedFor() };
  }
}

/** A violation without its particulars (names, counts, generations), so that alike ones count as one kind. */
const kindOf = (violation: string) => violation.replace(/fault-net-\d+/g, 'a network').replace(/\d+/g, 'N').slice(0, 120);
