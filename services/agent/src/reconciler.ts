import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { parseNetworkXml } from '@netfleet/netxml/parse';
import type { Logger } from '@netfleet/log/logger';
import { bridgeSpecOf } from './desired/bridge-spec-of';
import type { DesiredNetworks } from './desired/desired-networks';
import type { BridgeSpec } from './plan/bridge-spec';
import { planHost, type HostPlan } from './plan/plan-host';
import type { ObservedHost } from './plan/observed-bridge';
import { observeHost } from './ovs/observe-bridges';
import { applyPlan, type Vsctl } from './ovs/vsctl';

/** What happened to one network on this host in one pass; the agent reports it as an event. */
export type NetworkOutcome =
  | { network: string; command: ApplyNetworkV1; kind: 'started'; bridge: string; warnings: string[] }
  | { network: string; command: ApplyNetworkV1; kind: 'stopped' }
  | { network: string; command: ApplyNetworkV1; kind: 'failed'; code: string; error: string };

interface Prepared { specs: BridgeSpec[]; warnings: Map<string, string[]>; failed: Map<string, NetfleetError> }

/**
 * Level-triggered reconciliation of one host: whatever woke it, a pass re-reads the desired
 * networks and what OVS has, plans the difference for the whole host and applies it in ONE
 * ovs-vsctl transaction. Networks asked about in the meantime are batched into the next pass, so
 * a burst of 1,000 commands costs a few transactions, not 1,000 processes.
 */
export class Reconciler {
  private readonly waiting = new Map<string, (() => void)[]>();
  private running: Promise<void> | undefined;
  /** Key under which callers wait that asked for a pass without naming networks (resync). */
  private static readonly HOST_PASS = '';

  constructor(
    private readonly vsctl: Vsctl,
    private readonly desired: DesiredNetworks,
    private readonly report: (outcomes: NetworkOutcome[]) => Promise<void>,
    private readonly log: Logger,
  ) {}

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

  private kick(): void {
    if (this.running) return;
    this.running = (async () => {
      while (this.waiting.size > 0) {
        const batch = new Map(this.waiting);
        this.waiting.clear();
        const asked = [...batch.keys()].filter((n) => n !== Reconciler.HOST_PASS);
        try {
          await this.pass(asked);
        } catch (e) {
          // OVS unreachable or the like: say so for every network asked; the periodic pass retries.
          this.log.error({ err: e }, 'reconcile pass failed');
          const error = isNetfleetError(e) ? e : new NetfleetError('NF_AGENT_FAILED', String(e));
          await this.report(asked.flatMap((network): NetworkOutcome[] => {
            const command = this.desired.get(network);
            return command ? [{ network, command, kind: 'failed', code: error.code, error: error.message }] : [];
          })).catch((reportError) => this.log.error({ err: reportError }, 'could not report a failed pass'));
        }
        for (const resolvers of batch.values()) for (const resolve of resolvers) resolve();
      }
    })().finally(() => { this.running = undefined; if (this.waiting.size > 0) this.kick(); });
  }

  /** One pass over the whole host, reporting outcomes for `asked` networks. */
  private async pass(asked: string[]): Promise<void> {
    const prepared = this.prepare();
    const host = await observeHost(this.vsctl);
    const observed = host.bridges;
    const plan = planHost(prepared.specs, observed, { observedSsl: host.ssl });
    let applyError: NetfleetError | undefined;
    try {
      await applyPlan(this.vsctl, plan);
    } catch (e) {
      if (!isNetfleetError(e)) throw e;
      applyError = e;
    }
    const outcomes = applyError
      ? await this.applyOneByOne(asked, prepared, host)
      : this.outcomesOf(asked, prepared, plan, undefined);
    if (plan.drift.length > 0) this.log.info({ drift: plan.drift }, 'repaired drift');
    await this.report(outcomes);
  }

  private prepare(): Prepared {
    const prepared: Prepared = { specs: [], warnings: new Map(), failed: new Map() };
    for (const command of this.desired.all()) {
      if (command.desired !== 'running') continue;
      try {
        const { spec, warnings } = bridgeSpecOf(command, parseNetworkXml(command.xml));
        prepared.specs.push(spec);
        prepared.warnings.set(command.network, warnings);
      } catch (e) {
        prepared.failed.set(command.network, isNetfleetError(e) ? e : new NetfleetError('NF_AGENT_BAD_DEFINITION', String(e)));
      }
    }
    return prepared;
  }

  /**
   * The batched transaction failed (all or nothing): find out which network OVS refuses by
   * applying each asked network on its own, so one bad definition doesn't fail the others.
   */
  private async applyOneByOne(asked: string[], prepared: Prepared, host: ObservedHost): Promise<NetworkOutcome[]> {
    const outcomes: NetworkOutcome[] = [];
    for (const network of asked) {
      const spec = prepared.specs.find((s) => s.network === network);
      const command = this.desired.get(network);
      if (!command) continue;
      const mine = host.bridges.filter((b) => b.name === spec?.bridge || b.externalIds['netfleet-network'] === network);
      const plan = planHost(spec ? [spec] : [], mine, { observedSsl: host.ssl });
      try {
        await applyPlan(this.vsctl, plan);
        outcomes.push(...this.outcomesOf([network], prepared, plan, undefined));
      } catch (e) {
        const error = isNetfleetError(e) ? e : new NetfleetError('NF_OVS_COMMAND_FAILED', String(e));
        outcomes.push(...this.outcomesOf([network], prepared, plan, error));
      }
    }
    return outcomes;
  }

  private outcomesOf(asked: string[], prepared: Prepared, plan: HostPlan, error: NetfleetError | undefined): NetworkOutcome[] {
    const outcomes: NetworkOutcome[] = [];
    for (const network of asked) {
      const command = this.desired.get(network);
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
