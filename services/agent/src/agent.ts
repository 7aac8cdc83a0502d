import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import type { Logger } from '@netfleet/log/logger';
import { startCommandConsumer } from './command-consumer';
import { createDesiredStateClient } from './desired-state-client';
import { DesiredNetworks } from './desired/desired-networks';
import { createDriftWatcher } from './drift-watcher';
import { startHeartbeat } from './heartbeat';
import { agentStartedEvent, controllerEvent, driftEvent, outcomeEvent, portEvent } from './outcome-events';
import { createPortWatcher } from './port-watcher';
import { answerPlanRequests } from './plan-responder';
import { Reconciler, type ReportedDrift, type ReportedOutcome } from './reconciler';
import { applyPlanJsonRpc } from './ovs/apply-jsonrpc';
import { controllerHostRefusal } from './ovs/controller-host-check';
import { LibvirtRegistrar } from './libvirt/libvirt-registrar';
import { watchLibvirt } from './libvirt/libvirt-watcher';
import { createVirsh } from './libvirt/virsh';
import { observeHost } from './ovs/observe-bridges';
import { startOvsdbSession } from './ovs/ovsdb-session';
import type { Vsctl } from './ovs/vsctl';
import type { BridgeSpec } from './plan/bridge-spec';
import type { ObservedHost } from './plan/observed-bridge';
import type { HostPlan } from './plan/plan-host';

const AGENT_VERSION = '0.1.0';

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
   * The database to open the agent's OVSDB session on (`unix:<path>`); default the vsctl's db.
   * `false`: no session — ovs-vsctl only, no live replica (retries and periodic passes only).
   */
  monitorDb?: string | false;
  /** How long OVSDB updates are gathered before one drift check; default 20 ms. */
  monitorSettleMs?: number;
  /**
   * How passes change OVS once the session is in sync: 'jsonrpc' (default) sends the plan as one
   * OVSDB transact on the session; 'vsctl' runs it as one chained ovs-vsctl. Both wait for
   * ovs-vswitchd. Without the session it is always ovs-vsctl.
   */
  ovsDriver?: 'jsonrpc' | 'vsctl';
  /**
   * ovs-vswitchd's run directory, where it allows unix-socket controllers; default the directory
   * of a `unix:` database socket (Debian: /var/run/openvswitch), else not checked.
   */
  ovsRunDir?: string;
  /**
   * The host's libvirt (`virsh -c` URI, e.g. `qemu:///system`): every network running here is
   * registered there too, so VMs attach by name. Unset: the host reports "libvirt: not configured".
   */
  libvirtUri?: string;
}

export interface Agent { stop(): Promise<void> }

/**
 * The per-host agent, wired: heartbeat; the OVSDB session (replica + transactions) feeding the
 * drift watcher; the desired-state client; the reconciler and its retry queue; the dry-run
 * responder; the command consumer; the periodic resync. Start order matters: nothing touches OVS
 * before the API's desired state is known (an empty one would mean "remove every bridge netfleet
 * owns here"), and commands are consumed only after the first pass.
 */
export async function startAgent(config: AgentConfig): Promise<Agent> {
  const { host, nc, names, log, vsctl } = config;
  const js = jetstream(nc);
  const publish = (event: AgentEventMessageV1) => js.publish(names.eventSubject(host, event.type), encodeJson(event), { msgID: event.eventId });
  const now = () => new Date().toISOString();
  const desired = new DesiredNetworks();
  const observe = () => observeHost(vsctl);

  const report = async (outcomes: ReportedOutcome[], drift: ReportedDrift[]) => {
    const at = now();
    await Promise.all([
      ...outcomes.map((o) => {
        log.info({ network: o.network, generation: o.command.generation, outcome: o.kind, ...(o.kind === 'failed' ? { code: o.code, error: o.error } : {}) }, 'network outcome');
        return publish(outcomeEvent(host, o, o.eventId, at));
      }),
      ...drift.map((d) => publish(driftEvent(host, d, at))),
    ]);
  };

  // The session and the reconciler refer to each other through the drift watcher: declared first.
  let onOvsdbChange = () => {};
  const monitorDb = config.monitorDb ?? vsctl.db;
  const session = monitorDb === false ? undefined : startOvsdbSession({ db: monitorDb, log, onChange: () => onOvsdbChange() });
  const runDir = config.ovsRunDir ?? (vsctl.db.startsWith('unix:') ? dirname(vsctl.db.slice('unix:'.length)) : undefined);
  const hostRefusal = (spec: BridgeSpec) => controllerHostRefusal(spec, { runDir });
  // libvirt missing (no virsh) is a state of the host, like none configured: the networks still run.
  const libvirtState = libvirtStateOf(config.libvirtUri);
  if (config.libvirtUri && libvirtState !== config.libvirtUri) log.warn({ libvirtUri: config.libvirtUri }, `libvirt: ${libvirtState}; networks are not registered in libvirt`);
  const virsh = libvirtState === config.libvirtUri && config.libvirtUri ? createVirsh({ uri: config.libvirtUri }) : undefined;
  const libvirt = virsh ? new LibvirtRegistrar(virsh, log) : undefined;
  const reconciler = new Reconciler({
    vsctl, desired, observe, report, log, hostRefusal,
    ...(libvirt ? { libvirt } : {}),
    observeFast: async () => session?.sync(),
    ...(session && config.ovsDriver !== 'vsctl' ? { applyFast: (plan: HostPlan, observed: ObservedHost) => applyPlanJsonRpc(session, plan, observed, vsctl.timeoutSeconds) } : {}),
  });
  const driftWatcher = createDriftWatcher({
    observed: () => session?.observed(),
    reconciler,
    reportController: (change) => publish(controllerEvent(host, change, randomUUID(), now())),
    log,
    ...(config.monitorSettleMs !== undefined ? { settleMs: config.monitorSettleMs } : {}),
  });
  const portWatcher = createPortWatcher({
    ports: () => session?.ports(),
    report: (kind, port) => publish(portEvent(host, kind, port, randomUUID(), now())),
    ...(virsh ? { domainName: (vmUuid: string) => virsh.domainName(vmUuid) } : {}),
    log,
  });
  onOvsdbChange = () => { driftWatcher.changed(); portWatcher.changed(); };

  const heartbeat = startHeartbeat(nc, names, host, AGENT_VERSION, config.heartbeatIntervalMs ?? 2000, log);
  const desiredState = createDesiredStateClient({ nc, names, host, desired, log });
  await desiredState.refreshUntilAnswered();
  await publish(agentStartedEvent(host, AGENT_VERSION, randomUUID(), now(), libvirtState)).catch((e) => log.warn({ err: e }, 'could not report AgentStarted'));
  const plans = answerPlanRequests({ nc, names, host, desired, observe, vsctl, log, hostRefusal });

  // Give the session a moment to connect, so the first pass can already read its replica.
  await session?.ready(2000);
  reconciler.assumeRunning(desired.all().filter((c) => c.desired === 'running' && c.observedHere === 'running').map((c) => c.network));
  await reconciler.request(desired.all().map((c) => c.network));
  log.info({ networks: desired.all().length }, 'initial reconcile done');
  driftWatcher.start();
  portWatcher.start(desired.all().flatMap((c) => (c.portsHere ?? []).map((p) => ({ ...p, network: c.network }))));
  const libvirtWatcher = virsh ? watchLibvirt({ uri: virsh.uri, log, onChange: () => reconciler.enqueueHostPass() }) : undefined;

  const commands = await startCommandConsumer({ nc, names, host, desired, reconciler, log });
  const resyncNow = (why: string) => desiredState.refresh()
    .then(() => reconciler.request([]))
    .catch((e) => log.warn({ err: e }, `${why} failed`));
  const resync = setInterval(() => { void resyncNow('periodic resync'); }, config.resyncIntervalMs ?? 30_000);
  // While NATS is away OVS is left as it is (a failed desired-state read replaces nothing); once
  // it is back, catch up at once rather than at the next resync: what changed meanwhile.
  let stopped = false;
  void (async () => {
    for await (const status of nc.status()) {
      if (stopped) break;
      if (status.type === 'reconnect') void resyncNow('the resync after NATS came back');
    }
  })();

  return {
    async stop() {
      stopped = true;
      clearInterval(resync);
      heartbeat.stop();
      libvirtWatcher?.stop();
      plans.unsubscribe();
      await commands.stop();
      await driftWatcher.stop();
      await portWatcher.stop();
      await reconciler.stop();
      session?.stop();
    },
  };
}

/** The host's libvirt as the agent will report it: the URI, or why there is none. */
function libvirtStateOf(uri: string | undefined): string | null {
  if (!uri) return null;
  const found = (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'virsh')));
  return found ? uri : 'not installed (virsh not found)';
}
