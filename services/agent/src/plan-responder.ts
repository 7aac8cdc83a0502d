import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames, PlanReplyV1, PlanRequestV1 } from '@netfleet/bus/names';
import { isNetfleetError, type NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { Logger } from '@netfleet/log/logger';
import { DesiredNetworks } from './desired/desired-networks';
import { prepareSpecs } from './desired/prepare-specs';
import type { BridgeSpec } from './plan/bridge-spec';
import type { ObservedHost } from './plan/observed-bridge';
import { planHost } from './plan/plan-host';
import { toVsctlArgs } from './plan/vsctl-argv';
import type { Vsctl } from './ovs/vsctl';

export interface PlanResponderDeps {
  nc: NatsConnection;
  names: BusNames;
  host: string;
  desired: DesiredNetworks;
  observe: () => Promise<ObservedHost>;
  vsctl: Vsctl;
  log: Logger;
  /** The reconciler's host check (controller targets vswitchd would not take), so a dry run refuses what a pass would. */
  hostRefusal?: (spec: BridgeSpec) => NetfleetError | undefined;
}

/**
 * Answers `--dry-run`: given commands that would be sent, the exact ovs-vsctl argv this host
 * would run against its OVS as it is now — the same planner as a real pass, never executed.
 */
export function answerPlanRequests(deps: PlanResponderDeps): Subscription {
  const { nc, names, host, log } = deps;
  return nc.subscribe(names.planRequestSubject(host), {
    callback: (err, msg) => {
      if (err) { log.error({ err }, 'plan-request subscription failed'); return; }
      void (async () => {
        let reply: PlanReplyV1;
        try {
          const request = msg.json<PlanRequestV1>();
          const commands = (Array.isArray(request.commands) ? request.commands : []) as ApplyNetworkV1[];
          const would = new DesiredNetworks();
          would.replaceAll(deps.desired.all());
          for (const c of commands) if (c?.type === 'ApplyNetwork' && c.host === host) would.offer(c);
          const prepared = prepareSpecs(would.all());
          const observed = await deps.observe();
          const refusedHere = new Map(prepared.specs.flatMap((s) => {
            const error = deps.hostRefusal?.(s);
            return error ? [[s.network, error] as const] : [];
          }));
          const plan = planHost(prepared.specs, observed.bridges, { observedSsl: observed.ssl, held: new Set(refusedHere.keys()) });
          const tail = toVsctlArgs(plan.ops);
          reply = {
            v: 1, host,
            argv: tail.length > 0 ? deps.vsctl.commandLine(tail) : [],
            refusals: [
              ...[...prepared.failed, ...refusedHere].map(([network, e]) => ({ network, code: e.code, message: e.message })),
              ...plan.refusals.map((r) => ({ network: r.network, code: r.code, message: r.message })),
            ],
            drift: plan.drift.map((d) => ({ network: d.network, bridge: d.bridge, what: d.what })),
            warnings: [...prepared.warnings].filter(([, w]) => w.length > 0).map(([network, warnings]) => ({ network, warnings })),
          };
        } catch (e) {
          reply = { v: 1, host, argv: [], refusals: [], drift: [], warnings: [], error: { code: isNetfleetError(e) ? e.code : 'NF_AGENT_FAILED', message: isNetfleetError(e) ? e.message : String(e) } };
        }
        msg.respond(encodeJson(reply));
      })().catch((e) => log.error({ err: e }, 'could not answer a plan request'));
    },
  });
}
