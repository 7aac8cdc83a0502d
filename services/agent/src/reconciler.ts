import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { Logger } from '@netfleet/log/logger';
import type { DesiredNetworks } from './desired/desired-networks';
import { prepareSpecs, SpecCache, type PreparedSpecs } from './desired/prepare-specs';
import { OwnershipMark } from './plan/bridge-spec';
import { planHost, type HostPlan } from './plan/plan-host';
import type { ObservedHost } from './plan/observed-bridge';
import { applyPlan, type Vsctl } from './ovs/vsctl';

/** What happened to one network on this host in one pass; the agent reports it as an event. */
export type NetworkOutcome =
  | { network: string; command: ApplyNetworkV1; kind: 'started'; bridge: string; warnings: string[] }
  | { network: string; command: ApplyNetworkV1; kind: 'stopped' }
  | { network: string; command: ApplyNetworkV1; kind: 'failed'; code: string; error: string };

/** Something on an owned bridge that differed from the desired state, found (and fixed) by a pass. */
export interface DriftFinding {
  network: string;
  bridge: string;
  generation: number;
  /** "<what> <observed> != <desired>", or a sentence for a missing / unwanted bridge */
  differences: string[];
  repaired: boolean;
}

export interface ReconcilerDeps {
  vsctl: Vsctl;
  desired: DesiredNetworks;
  /** Reads the host's OVS for a pass (a fresh, consistent snapshot: one ovs-vsctl list). */
  observe: () => Promise<ObservedHost>;
  /**
   * A cheaper read, when there is one: the OVSDB monitor's replica after a sync round trip
   * (undefined: not available, use `observe`). A plan made from it is applied without
   * `--may-exist`, and a failed apply is retried once from `observe`.
   */
  observeFast?: () => Promise<ObservedHost | undefined>;
  /** Applies a plan made from `observeFast`'s read another way (OVSDB JSON-RPC); default ovs-vsctl. */
  applyFast?: (plan: HostPlan, observed: ObservedHost) => Promise<void>;
  report: (outcomes: NetworkOutcome[], drift: DriftFinding[]) => Promise<void>;
  log: Logger;
}

/**
 * Level-triggered reconciliation of one host: whatever woke it, a pass re-reads the desired
 * networks and what OVS has, plans the difference for the whole host and applies it in ONE
 * ovs-vsctl transaction. Networks asked about in the meantime are batched into the next pass, so
 * a burst of 1,000 commands costs a few transactions, not 1,000 processes.
 */
export class Reconciler {
  private readonly waiting = new Map<string, (() => void)[]>();
  private running: Promise<void> | undefined;
  private readonly specCache = new SpecCache();
  /** Networks whose bridge the last successful pass left running here (network → bridge). */
  private readonly runningHere = new Map<string, string>();
  private readonly idleWaiters: (() => void)[] = [];
  /** Key under which callers wait that asked for a pass without naming networks (resync). */
  private static readonly HOST_PASS = '';

  constructor(private readonly deps: ReconcilerDeps) {}

  /**
   * Asks for a pass reporting on these networks (none: just repair the host); resolves once
   * the pass that covered them reported.
   */
  request(networks: string[]): Promise<void> {
    const done = new Promise<void>((resolve) => {
      const keys = networks.length === 0 ? [Reconciler.HOST_PASS] : networks;
      for (const n of keys) this.waiting.set(n, [...(this.waiting.get(n) ?? []), resolve]);
    });
    this.kick();
    return done;
  }

  /**
   * Networks the fleet says this host was running before this agent started: a bridge of theirs
   * found missing on the first pass is drift (removed while the agent was down), not a first start.
   */
  assumeRunning(networks: Iterable<string>): void {
    const wanted = new Set(networks);
    for (const spec of this.prepare().specs) if (wanted.has(spec.network)) this.runningHere.set(spec.network, spec.bridge);
  }

  get busy(): boolean { return this.running !== undefined; }

  /** Resolves when no pass is running or waiting. */
  idle(): Promise<void> {
    if (!this.running && this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The plan for the current desired state against `observed` (a monitor's replica): empty = converged. */
  planAgainst(observed: ObservedHost): HostPlan {
    return planHost(this.prepare().specs, observed.bridges, { observedSsl: observed.ssl });
  }

  private kick(): void {
    if (this.running) return;
    this.running = (async () => {
      // Let the messages that arrived together (a JetStream batch) join this pass: yield to the
      // event loop while the queue still grows (a few microseconds each, at most 50 times).
      for (let i = 0, size = -1; i < 50 && size !== this.waiting.size; i++) {
        size = this.waiting.size;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      while (this.waiting.size > 0) {
        const batch = new Map(this.waiting);
        this.waiting.clear();
        const asked = [...batch.keys()].filter((n) => n !== Reconciler.HOST_PASS);
        try {
          await this.pass(asked);
        } catch (e) {
          // OVS unreachable or the like: say so for every network asked; the periodic pass retries.
          this.deps.log.error({ err: e }, 'reconcile pass failed');
          const error = isNetfleetError(e) ? e : new NetfleetError('NF_AGENT_FAILED', String(e));
          await this.deps.report(asked.flatMap((network): NetworkOutcome[] => {
            const command = this.deps.desired.get(network);
            return command ? [{ network, command, kind: 'failed', code: error.code, error: error.message }] : [];
          }), []).catch((reportError) => this.deps.log.error({ err: reportError }, 'could not report a failed pass'));
        }
        for (const resolvers of batch.values()) for (const resolve of resolvers) resolve();
      }
    })().finally(() => {
      this.running = undefined;
      if (this.waiting.size > 0) this.kick();
      else for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  private prepare(): PreparedSpecs {
    const all = this.deps.desired.all();
    this.specCache.retain(new Set(all.map((c) => c.network)));
    return prepareSpecs(all, this.specCache);
  }

  /** One pass over the whole host, reporting outcomes for `asked` networks and any drift found. */
  private async pass(asked: string[]): Promise<void> {
    const prepared = this.prepare();
    const fast = await this.deps.observeFast?.();
    let host = fast ?? await this.deps.observe();
    let plan = planHost(prepared.specs, host.bridges, { observedSsl: host.ssl });
    let drift = this.driftOf(plan, host, new Set(asked));
    let applyError: NetfleetError | undefined;
    try {
      if (fast && this.deps.applyFast) await this.deps.applyFast(plan, fast);
      else await applyPlan(this.deps.vsctl, plan, { mayExist: fast === undefined });
    } catch (e) {
      if (!isNetfleetError(e)) throw e;
      applyError = e;
    }
    if (applyError && fast) {
      // The replica may have been behind a change made meanwhile: read OVS itself and try again.
      this.deps.log.info({ err: applyError }, 'apply from the monitor replica failed; reading OVS again');
      host = await this.deps.observe();
      plan = planHost(prepared.specs, host.bridges, { observedSsl: host.ssl });
      drift = this.driftOf(plan, host, new Set(asked));
      applyError = undefined;
      try {
        await applyPlan(this.deps.vsctl, plan);
      } catch (e) {
        if (!isNetfleetError(e)) throw e;
        applyError = e;
      }
    }
    const outcomes = applyError
      ? await this.applyOneByOne(asked, prepared, host)
      : this.outcomesOf(asked, prepared, plan, undefined);
    if (!applyError) {
      const refused = new Set(plan.refusals.map((r) => r.network));
      this.runningHere.clear();
      for (const spec of prepared.specs) if (!refused.has(spec.network)) this.runningHere.set(spec.network, spec.bridge);
    }
    const findings = drift.map((d) => ({ ...d, repaired: applyError === undefined }));
    if (findings.length > 0) this.deps.log.info({ drift: findings }, applyError ? 'found drift; could not repair it' : 'repaired drift');
    await this.deps.report(outcomes, findings);
  }

  /**
   * What differed from the desired state, beyond what the asked commands change: columns of an
   * owned bridge (the plan's drift), a bridge this agent had running that is gone, an owned
   * bridge of a network that should not run here.
   */
  private driftOf(plan: HostPlan, host: ObservedHost, asked: Set<string>): Omit<DriftFinding, 'repaired'>[] {
    const generationOf = (network: string, fallback: number) => this.deps.desired.get(network)?.generation ?? fallback;
    // A bridge stamped with an older generation than the one desired is being updated (a
    // redefinition), not repaired: only differences at the generation OVS already has are drift.
    const stampedGeneration = (bridge: string) => Number(host.bridges.find((b) => b.name === bridge)?.externalIds[OwnershipMark.generation] ?? 0);
    const found: Omit<DriftFinding, 'repaired'>[] = plan.drift
      .filter((d) => stampedGeneration(d.bridge) >= generationOf(d.network, 0))
      .map((d) => ({ network: d.network, bridge: d.bridge, generation: generationOf(d.network, 0), differences: d.what }));
    for (const op of plan.ops) {
      if (op.kind === 'add-bridge') {
        const network = op.externalIds[OwnershipMark.network] ?? '';
        if (this.runningHere.get(network) === op.bridge) {
          found.push({ network, bridge: op.bridge, generation: generationOf(network, 0), differences: [`bridge ${op.bridge} missing (deleted outside netfleet); recreated`] });
        }
      } else if (op.kind === 'delete-bridge') {
        const bridge = host.bridges.find((b) => b.name === op.bridge);
        const network = bridge?.externalIds[OwnershipMark.network] ?? '';
        if (asked.has(network)) continue; // an ordinary stop
        const generation = Number(bridge?.externalIds[OwnershipMark.generation] ?? 0);
        found.push({ network, bridge: op.bridge, generation: generationOf(network, generation), differences: [`bridge ${op.bridge} of network ${network || '(none)'} should not exist on this host; removed`] });
      }
    }
    return found;
  }

  /**
   * The batched transaction failed (all or nothing): find out which network OVS refuses by
   * applying each asked network on its own, so one bad definition doesn't fail the others.
   */
  private async applyOneByOne(asked: string[], prepared: PreparedSpecs, host: ObservedHost): Promise<NetworkOutcome[]> {
    const outcomes: NetworkOutcome[] = [];
    for (const network of asked) {
      const spec = prepared.specs.find((s) => s.network === network);
      const command = this.deps.desired.get(network);
      if (!command) continue;
      const mine = host.bridges.filter((b) => b.name === spec?.bridge || b.externalIds[OwnershipMark.network] === network);
      const plan = planHost(spec ? [spec] : [], mine, { observedSsl: host.ssl });
      try {
        await applyPlan(this.deps.vsctl, plan);
        outcomes.push(...this.outcomesOf([network], prepared, plan, undefined));
      } catch (e) {
        const error = isNetfleetError(e) ? e : new NetfleetError('NF_OVS_COMMAND_FAILED', String(e));
        outcomes.push(...this.outcomesOf([network], prepared, plan, error));
      }
    }
    return outcomes;
  }

  private outcomesOf(asked: string[], prepared: PreparedSpecs, plan: HostPlan, error: NetfleetError | undefined): NetworkOutcome[] {
    const outcomes: NetworkOutcome[] = [];
    for (const network of asked) {
      const command = this.deps.desired.get(network);
      if (!command) continue;
      const failure = error ?? prepared.failed.get(network);
      const refusal = plan.refusals.find((r) => r.network === network);
      if (command.desired === 'stopped') {
        outcomes.push(error ? { network, command, kind: 'failed', code: error.code, error: error.message } : { network, command, kind: 'stopped' });
      } else if (failure) outcomes.push({ network, command, kind: 'failed', code: failure.code, error: failure.message });
      else if (refusal) outcomes.push({ network, command, kind: 'failed', code: refusal.code, error: refusal.message });
      else {
        const spec = prepared.specs.find((s) => s.network === network)!;
        outcomes.push({ network, command, kind: 'started', bridge: spec.bridge, warnings: prepared.warnings.get(network) ?? [] });
      }
    }
    return outcomes;
  }
}
