import { randomUUID } from 'node:crypto';
import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { Logger } from '@netfleet/log/logger';
import type { DesiredNetworks } from './desired/desired-networks';
import { prepareSpecs, SpecCache, type PreparedSpecs } from './desired/prepare-specs';
import { isRetriable } from './failure-kind';
import { OwnershipMark, type BridgeSpec } from './plan/bridge-spec';
import { planHost, type HostPlan } from './plan/plan-host';
import type { ObservedHost } from './plan/observed-bridge';
import { applyPlan, type Vsctl } from './ovs/vsctl';
import type { LibvirtRegistrar } from './libvirt/libvirt-registrar';
import type { LibvirtNetworkSpec } from './plan/libvirt-network';
import type { PerKeyBackoff } from './queue/per-key-backoff';
import { WorkQueue, type QueueClock } from './queue/work-queue';

/** What happened to one network on this host in one pass; the agent reports it as an event. */
export type NetworkOutcome =
  | { network: string; command: ApplyNetworkV1; kind: 'started'; bridge: string; warnings: string[] }
  | { network: string; command: ApplyNetworkV1; kind: 'stopped' }
  | { network: string; command: ApplyNetworkV1; kind: 'failed'; code: NetfleetError['code']; error: string };

/**
 * An outcome as published: with the event id it goes out under. A report that could not be
 * confirmed published is sent again under the SAME id (JetStream's msgId and the recorder's event
 * id then drop the copy if the first one got through after all: a PubAck lost or too late).
 */
export type ReportedOutcome = NetworkOutcome & { eventId: string };

/** Something on an owned bridge that differed from the desired state, found (and fixed) by a pass. */
export interface DriftFinding {
  network: string;
  bridge: string;
  generation: number;
  /** "<what> <observed> != <desired>", or a sentence for a missing / unwanted bridge */
  differences: string[];
  repaired: boolean;
}

/**
 * A drift finding as published, under its event id and its pass's correlation id. A finding whose
 * report could not be confirmed is sent again, under the same ids, with the next report: the
 * drift itself is repaired, so no later pass would find it again.
 */
export type ReportedDrift = DriftFinding & { eventId: string; correlationId: string };

/** How many unconfirmed drift findings are kept for the next report (the oldest go first). */
const MAX_UNSENT_DRIFT = 1000;

export interface ReconcilerDeps {
  vsctl: Vsctl;
  desired: DesiredNetworks;
  /** Reads the host's OVS for a pass (a fresh, consistent snapshot: one ovs-vsctl list). */
  observe: () => Promise<ObservedHost>;
  /**
   * A cheaper read, when there is one: the OVSDB session's replica after a sync round trip
   * (undefined: not available, use `observe`). A plan made from it is applied without
   * `--may-exist`, and a failed apply is retried once from `observe`.
   */
  observeFast?: () => Promise<ObservedHost | undefined>;
  /** Applies a plan made from `observeFast`'s read another way (OVSDB JSON-RPC); default ovs-vsctl. */
  applyFast?: (plan: HostPlan, observed: ObservedHost) => Promise<void>;
  /**
   * Publishes outcomes (each under its eventId) and drift; a rejection means they may not all be
   * on the bus: some may be (a publish whose acknowledgement timed out), so each is sent again
   * under the same event id.
   */
  report: (outcomes: ReportedOutcome[], drift: ReportedDrift[]) => Promise<void>;
  /** New event ids (tests); default random UUIDs. */
  newId?: () => string;
  log: Logger;
  /**
   * What only the host can tell about a spec before it is applied (a punix path over a file, a
   * socket path vswitchd will not use): a terminal failure for that network, its bridge left as is.
   */
  hostRefusal?: (spec: BridgeSpec) => NetfleetError | undefined;
  /** The host's libvirt, when the agent has one: every network running here is registered there too. */
  libvirt?: LibvirtRegistrar;
  /** The retry queue's clock and backoff (tests); default: real time, 5 ms doubling to 60 s. */
  clock?: QueueClock;
  backoff?: PerKeyBackoff<string>;
}

/** The queue key of a pass that repairs the host without a network to answer for (drift, resync). */
const HOST_KEY = '';

/**
 * Level-triggered reconciliation of one host. Wake-ups put keys (network names, or HOST_KEY) on a
 * keyed work queue; a pass takes every ready key, re-reads the desired networks and what OVS has,
 * plans the difference for the WHOLE host and applies it in ONE transaction — so a burst of 1,000
 * commands costs a few transactions, not 1,000 processes.
 *
 * After a pass each network's outcome settles its key, by the error table's `retriable` flag:
 * - success, or a TERMINAL failure (invalid definition, foreign bridge, PKI conflict, OVS refusing
 *   the transaction …): `forget` — no retry. A network OVS refused is also held (its bridge left
 *   as it is) until its command changes, so later passes do not send the refused change again;
 * - a RETRIABLE failure (OVS unreachable, timeout): requeued with per-network exponential backoff
 *   (5 ms doubling to 60 s), so it converges as soon as OVS is back, without waiting for a resync.
 * An outcome is reported when a command waits for it (unless the API has it already for that
 * command: a redelivery, a desired-state answer at a generation reported — see `covered`), or when
 * it differs (generation, kind, code) from what this agent last reported for that network: a retry
 * that fails the same way again is silent, and a network that converges on a retry — or in a pass
 * another key caused — says so once. One outcome per (command, host): a report whose publishing
 * failed goes out again under the same event id, which the bus and the recorder de-duplicate.
 */
export class Reconciler {
  private readonly queue: WorkQueue<string>;
  /** Per key, the callers waiting for the pass that covers it (a command awaiting its outcome). */
  private readonly waiters = new Map<string, ((reported: boolean) => void)[]>();
  private running: Promise<void> | undefined;
  private readonly specCache = new SpecCache();
  /** Networks whose bridge the last successful pass left running here (network → bridge). */
  private readonly runningHere = new Map<string, string>();
  /** Per network, what was last reported ("generation:kind:detail"), so passes report changes only. */
  private readonly lastReported = new Map<string, string>();
  /** Per network, the command its last report answered: a redelivered command is not answered twice. */
  private readonly lastAnswered = new Map<string, { commandId: string; issuedAt: string; generation: number }>();
  /**
   * Per network, the report last attempted and not known to be published: its command and
   * outcome, and the event id it went out under, reused when the same outcome is sent again.
   */
  private readonly unconfirmed = new Map<string, { key: string; eventId: string }>();
  /** Drift findings whose report was not confirmed: sent again, under their ids, with the next report. */
  private unsentDrift: ReportedDrift[] = [];
  /** Networks OVS refused (terminal), with the command it refused: left alone until it changes. */
  private readonly held = new Map<string, { command: ApplyNetworkV1; error: NetfleetError }>();
  /** Networks the host refuses this pass (deps.hostRefusal), kept out of the plan like held ones. */
  private refusedHere = new Map<string, NetfleetError>();
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly deps: ReconcilerDeps) {
    this.queue = new WorkQueue<string>({
      onReady: () => this.kick(),
      ...(deps.clock ? { clock: deps.clock } : {}),
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
    });
  }

  /**
   * Asks for a pass answering for these networks (none: just repair the host). Resolves once the
   * pass that covered them is over: true if their outcomes were published, false if publishing
   * failed (or the reconciler stopped) — the caller's command then deserves a redelivery.
   */
  request(networks: string[]): Promise<boolean> {
    const keys = networks.length === 0 ? [HOST_KEY] : networks;
    const done = new Promise<boolean>((resolve) => {
      for (const k of keys) this.waiters.set(k, [...(this.waiters.get(k) ?? []), resolve]);
    });
    for (const k of keys) this.queue.add(k);
    return done;
  }

  /**
   * Asks for a pass repairing the host, without waiting for it (drift seen by the OVSDB session).
   * While a failed host pass waits out its backoff, that retry covers it: no extra pass.
   */
  enqueueHostPass(): void {
    if (this.queue.retryAt(HOST_KEY) !== undefined) return;
    this.queue.add(HOST_KEY);
  }

  /**
   * Networks the fleet says this host was running before this agent started: a bridge of theirs
   * found missing on the first pass is drift (removed while the agent was down), not a first start.
   */
  assumeRunning(networks: Iterable<string>): void {
    const wanted = new Set(networks);
    for (const spec of this.prepare().specs) if (wanted.has(spec.network)) this.runningHere.set(spec.network, spec.bridge);
    this.deps.libvirt?.assumeRegistered(this.libvirtSpecs());
  }

  /** How many retries of `key` failed in a row (0: none pending). */
  retries(key: string): number {
    return this.queue.retries(key);
  }

  /** Resolves when no pass is running or ready to run (a retry waiting out its backoff does not count). */
  idle(): Promise<void> {
    if (!this.running && this.queue.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The plan for the current desired state against `observed` (a replica): empty = converged. */
  planAgainst(observed: ObservedHost): HostPlan {
    this.releaseHeld();
    const prepared = this.prepare();
    this.checkHost(prepared);
    return this.planOf(prepared, observed);
  }

  /** Cancels pending retries; callers still waiting are told their outcome was not published. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    await this.running;
    for (const resolvers of this.waiters.values()) for (const resolve of resolvers) resolve(false);
    this.waiters.clear();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = (async () => {
      // Let the messages that arrived together (a JetStream batch) join this pass: yield to the
      // event loop while the queue still grows (a few microseconds each, at most 50 times).
      for (let i = 0, size = -1; i < 50 && size !== this.queue.readyCount; i++) {
        size = this.queue.readyCount;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      while (this.queue.hasReady && !this.stopped) {
        const keys = this.queue.take();
        const resolvers: ((reported: boolean) => void)[] = [];
        const mustAnswer = new Set<string>();
        for (const k of keys) {
          const waiting = this.waiters.get(k);
          if (!waiting) continue;
          this.waiters.delete(k);
          resolvers.push(...waiting);
          if (k !== HOST_KEY) mustAnswer.add(k);
        }
        const reported = await this.runPass(keys, mustAnswer);
        this.queue.done(keys);
        for (const resolve of resolvers) resolve(reported);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.queue.hasReady && !this.stopped) this.kick();
      else if (this.queue.isIdle || this.stopped) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  /** One pass for `keys`; settles each key in the queue, reports; true if the report was published. */
  private async runPass(keys: string[], mustAnswer: Set<string>): Promise<boolean> {
    const asked = keys.filter((k) => k !== HOST_KEY);
    let outcomes: NetworkOutcome[];
    let drift: DriftFinding[] = [];
    let passError: NetfleetError | undefined;
    try {
      ({ outcomes, drift } = await this.pass(asked));
    } catch (e) {
      // The pass failed as a whole (OVS unreachable, a timeout, a reply it could not read): every
      // network it was asked about failed the same way.
      passError = isNetfleetError(e) ? e : new NetfleetError('NF_AGENT_FAILED', { reason: String(e) }, e);
      const error = passError;
      outcomes = asked.flatMap((network): NetworkOutcome[] => {
        const command = this.deps.desired.get(network);
        return command ? [{ network, command, kind: 'failed', code: error.code, error: error.message }] : [];
      });
    }

    // Settle the keys: retriable failures come back after their backoff, the rest are done.
    for (const o of outcomes) {
      if (o.kind === 'failed' && isRetriable(o.code)) this.queue.addRateLimited(o.network);
      else this.queue.forget(o.network);
    }
    if (passError && isRetriable(passError.code)) {
      // Retry the host (drift repair, resync) too when that is what was asked.
      if (keys.includes(HOST_KEY)) this.queue.addRateLimited(HOST_KEY);
      // Logged at warn once per streak; the retries themselves at debug (no flood while OVS is down).
      const retries = this.queue.retries(asked[0] ?? HOST_KEY);
      this.deps.log[retries <= 1 ? 'warn' : 'debug']({ err: passError, code: passError.code, networks: asked.length, retries }, 'reconcile pass failed; retrying with backoff');
    } else {
      this.queue.forget(HOST_KEY);
      if (passError) this.deps.log.error({ err: passError, code: passError.code }, 'reconcile pass failed (not retriable)');
    }

    // Unasked, a network is reported only on a change from an earlier report of this agent: one
    // defined but never asked about here (not started yet) gets no "stopped" from a resync.
    // Asked, it is reported unless the API already has this outcome for this command (see
    // `answered`): JetStream delivered it again, or a stale copy arrived.
    const changed = (o: NetworkOutcome) => this.lastReported.has(o.network) && this.lastReported.get(o.network) !== signatureOf(o);
    const answered = (o: NetworkOutcome) => this.lastReported.get(o.network) === signatureOf(o) && this.covered(o);
    // What the desired-state answer says the API already recorded from here at this generation
    // (observedHere) is not reported again by a restarted agent: it is remembered as answered.
    const known = outcomes.filter((o) => !this.lastReported.has(o.network) && isDesiredStateId(o.command.commandId) && OBSERVED_OF[o.kind] === o.command.observedHere);
    for (const o of known) this.remember(o);
    // A pass that failed as a whole (OVS too slow, unreachable) says nothing about a network's
    // bridge: it is the first answer of a command nobody answered yet, and otherwise silent (a
    // copy of a command answered "started", caught by such a pass, would otherwise report
    // "failed" and then, on the retry, "started" a second time under the same command).
    const toReport = passError
      ? outcomes.filter((o) => mustAnswer.has(o.network) && !this.covered(o))
      : outcomes.filter((o) => (mustAnswer.has(o.network) && !answered(o)) || changed(o));
    const driftToReport = [...this.unsentDrift, ...this.withIds(drift)];
    if (toReport.length === 0 && driftToReport.length === 0) return true;
    try {
      await this.deps.report(toReport.map((o) => ({ ...o, eventId: this.eventIdOf(o) })), driftToReport);
    } catch (e) {
      this.deps.log.error({ err: e }, 'could not publish the outcome of a pass');
      this.unsentDrift = driftToReport.slice(-MAX_UNSENT_DRIFT);
      // Nothing else may come by to carry the drift soon (it is repaired): a host pass, backed off.
      if (this.unsentDrift.length > 0) this.queue.addRateLimited(HOST_KEY);
      return false;
    }
    this.unsentDrift = [];
    for (const o of toReport) {
      this.unconfirmed.delete(o.network);
      this.remember(o);
    }
    return true;
  }

  /**
   * Whether what this agent last reported for the network (or remembered from the desired-state
   * answer) already answers `o.command`:
   * - it answered this very command (JetStream delivered it again);
   * - `o.command` is a desired-state command (a resync's or a restart's answer, ids `desired:…`)
   *   at the generation already reported: a statement of what should run, not a request, and the
   *   API has this host's outcome at that generation;
   * - it answered a desired-state command made after `o.command` was issued, which covers every
   *   command the API issued before it (issuedAt: both the API's clock).
   * A real command issued after the last report (the same generation asked again) is not covered.
   */
  private covered(o: NetworkOutcome): boolean {
    const last = this.lastAnswered.get(o.network);
    if (!last) return false;
    if (last.commandId === o.command.commandId) return true;
    if (isDesiredStateId(o.command.commandId) && last.generation === o.command.generation) return true;
    return isDesiredStateId(last.commandId) && o.command.issuedAt <= last.issuedAt;
  }

  /** The event id an outcome goes out under: the one of its unconfirmed first attempt, if this is that again. */
  private eventIdOf(o: NetworkOutcome): string {
    const key = `${o.command.commandId}|${signatureOf(o)}`;
    const earlier = this.unconfirmed.get(o.network);
    if (earlier?.key === key) return earlier.eventId;
    const eventId = (this.deps.newId ?? randomUUID)();
    this.unconfirmed.set(o.network, { key, eventId });
    return eventId;
  }

  /** A pass's drift findings under new event ids, correlated by the pass. */
  private withIds(drift: DriftFinding[]): ReportedDrift[] {
    if (drift.length === 0) return [];
    const newId = this.deps.newId ?? randomUUID;
    const correlationId = `reconcile:${newId()}`;
    return drift.map((d) => ({ ...d, eventId: newId(), correlationId }));
  }

  /** This outcome is on the bus (or in the API's view already): passes report changes from it. */
  private remember(o: NetworkOutcome): void {
    this.lastReported.set(o.network, signatureOf(o));
    this.lastAnswered.set(o.network, { commandId: o.command.commandId, issuedAt: o.command.issuedAt, generation: o.command.generation });
  }

  private prepare(): PreparedSpecs {
    const all = this.deps.desired.all();
    const names = new Set(all.map((c) => c.network));
    this.specCache.retain(names);
    for (const n of [...this.lastReported.keys()]) if (!names.has(n)) { this.lastReported.delete(n); this.lastAnswered.delete(n); }
    for (const n of [...this.unconfirmed.keys()]) if (!names.has(n)) this.unconfirmed.delete(n);
    return prepareSpecs(all, this.specCache);
  }

  /** A held network is released once its command is no longer the one OVS refused. */
  private releaseHeld(): void {
    for (const [network, { command }] of this.held) {
      if (this.deps.desired.get(network) !== command) this.held.delete(network);
    }
  }

  private checkHost(prepared: PreparedSpecs): void {
    const refusal = this.deps.hostRefusal;
    this.refusedHere = new Map(refusal ? prepared.specs.flatMap((s) => {
      const error = refusal(s);
      return error ? [[s.network, error] as const] : [];
    }) : []);
  }

  private planOf(prepared: PreparedSpecs, host: ObservedHost): HostPlan {
    return planHost(prepared.specs, host.bridges, { observedSsl: host.ssl, held: new Set([...this.held.keys(), ...this.refusedHere.keys()]) });
  }

  /** One pass over the whole host: outcomes for every network it can speak for, and the drift it found. */
  private async pass(asked: string[]): Promise<{ outcomes: NetworkOutcome[]; drift: DriftFinding[] }> {
    this.releaseHeld();
    const prepared = this.prepare();
    this.checkHost(prepared);
    const fast = await this.deps.observeFast?.();
    let host = fast ?? await this.deps.observe();
    let plan = this.planOf(prepared, host);
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
      this.deps.log.info({ err: applyError }, 'apply from the OVSDB replica failed; reading OVS again');
      host = await this.deps.observe();
      plan = this.planOf(prepared, host);
      drift = this.driftOf(plan, host, new Set(asked));
      applyError = undefined;
      try {
        await applyPlan(this.deps.vsctl, plan);
      } catch (e) {
        if (!isNetfleetError(e)) throw e;
        applyError = e;
      }
    }
    // OVS unreachable or too slow: the whole pass failed, whichever network caused it.
    if (applyError && isRetriable(applyError.code)) throw applyError;
    let outcomes: NetworkOutcome[];
    if (applyError) {
      // OVS refused the batch (all or nothing): find out which networks it refuses.
      const touched = new Set([...asked, ...this.networksChangedBy(plan, prepared)]);
      outcomes = await this.applyOneByOne([...touched], prepared, host);
    } else {
      outcomes = this.outcomesOf(this.deps.desired.all().map((c) => c.network), prepared, plan, undefined);
      const refused = new Set(plan.refusals.map((r) => r.network));
      this.runningHere.clear();
      for (const spec of prepared.specs) if (!refused.has(spec.network) && !this.held.has(spec.network) && !this.refusedHere.has(spec.network)) this.runningHere.set(spec.network, spec.bridge);
    }
    const findings = drift.map((d) => ({ ...d, repaired: applyError === undefined }));
    if (!applyError && this.deps.libvirt) outcomes = await this.registerInLibvirt(this.deps.libvirt, outcomes, findings);
    if (findings.length > 0) this.deps.log.info({ drift: findings }, applyError ? 'found drift; could not repair it' : 'repaired drift');
    return { outcomes, drift: findings };
  }

  /** The networks running here as libvirt should know them. */
  private libvirtSpecs(): LibvirtNetworkSpec[] {
    return [...this.runningHere].flatMap(([network, bridge]) => {
      const command = this.deps.desired.get(network);
      return command ? [{ network, uuid: command.uuid, bridge, autostart: command.autostart ?? false }] : [];
    });
  }

  /**
   * After OVS has the networks, the host's libvirt gets them too: a network libvirt cannot take
   * fails on this host (its bridge stays), and what was changed there by hand is drift.
   */
  private async registerInLibvirt(libvirt: LibvirtRegistrar, outcomes: NetworkOutcome[], findings: DriftFinding[]): Promise<NetworkOutcome[]> {
    const { failures, drift } = await libvirt.sync(this.libvirtSpecs());
    for (const d of drift) findings.push({ ...d, generation: this.deps.desired.get(d.network)?.generation ?? 0 });
    if (failures.size > 0) this.deps.log.warn({ failures: Object.fromEntries([...failures].map(([n, e]) => [n, e.message])) }, 'libvirt could not take every network');
    return outcomes.map((o): NetworkOutcome => {
      const error = failures.get(o.network);
      return error ? { network: o.network, command: o.command, kind: 'failed', code: error.code, error: error.message } : o;
    });
  }

  /** The desired networks whose bridge a plan changes. */
  private networksChangedBy(plan: HostPlan, prepared: PreparedSpecs): string[] {
    const networkOf = new Map(prepared.specs.map((s) => [s.bridge, s.network]));
    const out = new Set<string>();
    for (const op of plan.ops) {
      const network = 'bridge' in op ? networkOf.get(op.bridge) : undefined;
      if (network !== undefined) out.add(network);
    }
    return [...out];
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
   * The batched transaction was refused (all or nothing): apply each network on its own, so one
   * bad definition doesn't fail the others. A network OVS refuses on its own is held (terminal);
   * then a host pass applies the rest of the host's changes without it.
   */
  private async applyOneByOne(networks: string[], prepared: PreparedSpecs, host: ObservedHost): Promise<NetworkOutcome[]> {
    const outcomes: NetworkOutcome[] = [];
    let newlyHeld = false;
    for (const network of networks) {
      const spec = prepared.specs.find((s) => s.network === network);
      const command = this.deps.desired.get(network);
      if (!command) continue;
      if (this.held.has(network) || this.refusedHere.has(network)) {
        outcomes.push(...this.outcomesOf([network], prepared, { ops: [], refusals: [], drift: [] }, undefined));
        continue;
      }
      const mine = host.bridges.filter((b) => b.name === spec?.bridge || b.externalIds[OwnershipMark.network] === network);
      const plan = planHost(spec ? [spec] : [], mine, { observedSsl: host.ssl });
      try {
        await applyPlan(this.deps.vsctl, plan);
        outcomes.push(...this.outcomesOf([network], prepared, plan, undefined));
      } catch (e) {
        const error = isNetfleetError(e) ? e : new NetfleetError('NF_OVS_COMMAND_FAILED', { reason: String(e) });
        if (!isRetriable(error.code) && command.desired === 'running') {
          this.held.set(network, { command, error });
          newlyHeld = true;
        }
        outcomes.push(...this.outcomesOf([network], prepared, plan, error));
      }
    }
    if (newlyHeld) this.queue.add(HOST_KEY);
    return outcomes;
  }

  private outcomesOf(networks: string[], prepared: PreparedSpecs, plan: HostPlan, error: NetfleetError | undefined): NetworkOutcome[] {
    const outcomes: NetworkOutcome[] = [];
    const specs = new Map(prepared.specs.map((s) => [s.network, s]));
    const refusals = new Map(plan.refusals.map((r) => [r.network, r]));
    for (const network of networks) {
      const command = this.deps.desired.get(network);
      if (!command) continue;
      const failure = error ?? this.held.get(network)?.error ?? this.refusedHere.get(network) ?? prepared.failed.get(network);
      const refusal = refusals.get(network);
      if (command.desired === 'stopped') {
        outcomes.push(error ? { network, command, kind: 'failed', code: error.code, error: error.message } : { network, command, kind: 'stopped' });
      } else if (failure) outcomes.push({ network, command, kind: 'failed', code: failure.code, error: failure.message });
      else if (refusal) outcomes.push({ network, command, kind: 'failed', code: refusal.code, error: refusal.message });
      else {
        // A command that arrived while this pass applied changed what is desired after the specs
        // were prepared: it has queued the network again, and that pass reports it.
        const spec = specs.get(network);
        if (!spec) continue;
        outcomes.push({ network, command, kind: 'started', bridge: spec.bridge, warnings: prepared.warnings.get(network) ?? [] });
      }
    }
    return outcomes;
  }
}

/** What an outcome says, for "did it change since the last report?". */
const isDesiredStateId = (commandId: string) => commandId.startsWith('desired:');
/** The fleet view's word for each outcome a pass can report (failures are always reported again). */
const OBSERVED_OF: Record<NetworkOutcome['kind'], string | undefined> = { started: 'running', stopped: 'stopped', failed: undefined };

function signatureOf(o: NetworkOutcome): string {
  const detail = o.kind === 'started' ? o.bridge : o.kind === 'failed' ? o.code : '';
  return `${o.command.generation}:${o.command.uuid}:${o.kind}:${detail}`;
}
