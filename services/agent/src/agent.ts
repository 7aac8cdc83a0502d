import { randomUUID } from 'node:crypto';
import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import type { ApplyNetworkV1, DesiredStateV1 } from '@netfleet/events/host-commands';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import type { Logger } from '@netfleet/log/logger';
import { ControllerStatusTracker } from './controller-status';
import { DesiredNetworks } from './desired/desired-networks';
import { startHeartbeat } from './heartbeat';
import { agentStartedEvent, controllerEvent, driftEvent, outcomeEvent } from './outcome-events';
import { answerPlanRequests } from './plan-responder';
import { Reconciler, type DriftFinding, type NetworkOutcome } from './reconciler';
import { observeHost } from './ovs/observe-bridges';
import { startOvsdbMonitor, type OvsdbMonitor } from './ovs/ovsdb-monitor';
import { applyPlanJsonRpc } from './ovs/apply-jsonrpc';
import type { ObservedHost } from './plan/observed-bridge';
import type { HostPlan } from './plan/plan-host';
import type { Vsctl } from './ovs/vsctl';

export const AGENT_VERSION = '0.1.0';

export interface AgentConfig {
  host: string;
  nc: NatsConnection;
  names: BusNames;
  vsctl: Vsctl;
  log: Logger;
  /** Full reconcile period (desired state re-fetched, drift repaired); default 30 s. */
  resyncIntervalMs?: number;
  /** Heartbeat period; default 2 s. */
  heartbeatIntervalMs?: number;
  /**
   * The database to watch with an OVSDB monitor (`unix:<path>`); default the vsctl's db. `false`:
   * no monitor (periodic passes only).
   */
  monitorDb?: string | false;
  /** How long monitor updates are gathered before one check; default 20 ms. */
  monitorSettleMs?: number;
  /**
   * How passes change OVS once the monitor is in sync: 'jsonrpc' (default) sends the plan as one
   * OVSDB transact on the monitor's session; 'vsctl' runs it as one chained ovs-vsctl. Both wait
   * for ovs-vswitchd. Without the monitor it is always ovs-vsctl.
   */
  ovsDriver?: 'jsonrpc' | 'vsctl';
}

export interface Agent { stop(): Promise<void> }

/**
 * The per-host agent: learns the host's desired state from the API, reconciles OVS with it, then
 * follows its durable command consumer. A command is acked only after its outcome was published,
 * so a crash mid-apply means redelivery (harmless: apply is idempotent and generation-checked).
 * An OVSDB monitor wakes it within milliseconds of any change to the host's bridges (drift, and
 * controller connections as OVS refreshes them); a periodic pass is the safety net.
 */
export async function startAgent(config: AgentConfig): Promise<Agent> {
  const { host, nc, names, log, vsctl } = config;
  const js = jetstream(nc);
  const desired = new DesiredNetworks();
  // The OVSDB monitor: on any change, report controller connections that changed, and run a
  // pass if OVS no longer matches the desired state. What the agent itself just applied plans
  // empty, so its own changes never cause a pass of their own. Nothing is checked before the
  // desired state is known and first applied (`live`): an empty desired state would mean
  // "remove every bridge netfleet owns here".
  let live = false;
  const controllers = new ControllerStatusTracker();
  let checkTimer: NodeJS.Timeout | undefined;
  let checking: Promise<void> | undefined;
  let checkAgain = false;
  let stopped = false;
  const check = async () => {
    await reconciler.idle();
    const observed = monitor?.observed();
    if (!observed || stopped || !live) return;
    const now = new Date().toISOString();
    for (const change of controllers.changes(observed.bridges)) {
      log.info({ ...change }, 'controller connection changed');
      await publish(controllerEvent(host, change, randomUUID(), now));
    }
    const plan = reconciler.planAgainst(observed);
    if (plan.ops.length > 0) {
      log.info({ ops: plan.ops.length, drift: plan.drift }, 'OVS changed outside netfleet; reconciling');
      await reconciler.request([]);
    }
  };
  const scheduleCheck = () => {
    if (checkTimer || stopped || !live) return;
    checkTimer = setTimeout(() => {
      checkTimer = undefined;
      if (checking) { checkAgain = true; return; }
      checking = check().catch((e) => log.warn({ err: e }, 'monitor check failed')).finally(() => {
        checking = undefined;
        if (checkAgain) { checkAgain = false; scheduleCheck(); }
      });
    }, config.monitorSettleMs ?? 20);
  };
  const monitorDb = config.monitorDb ?? vsctl.db;
  const monitor: OvsdbMonitor | undefined = monitorDb === false ? undefined : startOvsdbMonitor({ db: monitorDb, log, onChange: scheduleCheck });
  const publish = (event: AgentEventMessageV1) => js.publish(names.eventSubject(host, event.type), encodeJson(event), { msgID: event.eventId });

  const report = async (outcomes: NetworkOutcome[], drift: DriftFinding[]) => {
    const now = new Date().toISOString();
    const passId = randomUUID();
    await Promise.all([
      ...outcomes.map((o) => {
        log.info({ network: o.network, generation: o.command.generation, outcome: o.kind, ...(o.kind === 'failed' ? { error: o.error } : {}) }, 'network outcome');
        return publish(outcomeEvent(host, o, randomUUID(), now));
      }),
      ...drift.map((d) => publish(driftEvent(host, d, { eventId: randomUUID(), correlationId: `reconcile:${passId}` }, now))),
    ]);
  };
  const observe = () => observeHost(vsctl);
  const reconciler = new Reconciler({
    vsctl, desired, observe, report, log,
    observeFast: async () => monitor?.sync(),
    ...(config.ovsDriver === 'vsctl' ? {} : { applyFast: (plan: HostPlan, observed: ObservedHost) => applyPlanJsonRpc(monitor!, plan, observed, vsctl.timeoutSeconds) }),
  });
  const heartbeat = startHeartbeat(nc, names, host, AGENT_VERSION, config.heartbeatIntervalMs ?? 2000, log);
  const stops: (() => unknown)[] = [() => heartbeat.stop(), () => { stopped = true; clearTimeout(checkTimer); monitor?.stop(); }];

  const fetchDesired = async (): Promise<void> => {
    const reply = await nc.request(names.desiredStateSubject(host), encodeJson({ v: 1, host }), { timeout: 5000 });
    const answer = reply.json<DesiredStateV1>();
    desired.replaceAll(answer.networks);
  };
  // Until the API answers, the agent must not touch OVS: an empty desired state would mean
  // "remove every bridge netfleet owns here".
  for (let attempt = 1; ; attempt++) {
    try { await fetchDesired(); break; } catch (e) {
      log.warn({ err: e, attempt }, 'cannot get this host\'s desired state from the API yet; retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * attempt)));
    }
  }
  await publish(agentStartedEvent(host, AGENT_VERSION, randomUUID(), new Date().toISOString()))
    .catch((e) => log.warn({ err: e }, 'could not report AgentStarted'));
  const plans = answerPlanRequests({ nc, names, host, desired, observe, vsctl, log });
  stops.push(() => plans.unsubscribe());
  // Give the monitor a moment to connect, so the first pass can already read its replica.
  await monitor?.ready(2000);
  reconciler.assumeRunning(desired.all().filter((c) => c.desired === 'running' && c.observedHere === 'running').map((c) => c.network));
  await reconciler.request(desired.all().map((c) => c.network));
  log.info({ networks: desired.all().length }, 'initial reconcile done');

  live = true;
  scheduleCheck();

  const consumer = await js.consumers.get(names.commandStream, names.agentConsumer(host));
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 1000 });
  const handle = (m: JsMsg) => {
    let command: ApplyNetworkV1;
    try {
      command = m.json<ApplyNetworkV1>();
      if (command.type !== 'ApplyNetwork' || command.host !== host) throw new Error(`not an ApplyNetwork for ${host}`);
    } catch (e) {
      log.warn({ err: e, subject: m.subject }, 'dropped a malformed command');
      m.term();
      return;
    }
    // An older generation than known changes nothing; the pass still reports the current one.
    desired.offer(command);
    void reconciler.request([command.network]).then(() => m.ack());
  };
  const loop = (async () => { for await (const m of messages) handle(m); })();

  const resync = setInterval(() => {
    void fetchDesired()
      .then(() => reconciler.request([]))
      .catch((e) => log.warn({ err: e }, 'periodic resync failed'));
  }, config.resyncIntervalMs ?? 30_000);
  stops.push(() => clearInterval(resync));

  return {
    async stop() {
      for (const s of stops.reverse()) s();
      await messages.close();
      await loop;
      await checking;
      await reconciler.idle();
    },
  };
}
