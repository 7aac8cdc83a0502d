import { randomUUID } from 'node:crypto';
import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import type { ApplyNetworkV1, DesiredStateV1 } from '@netfleet/events/host-commands';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import type { Logger } from '@netfleet/log/logger';
import { DesiredNetworks } from './desired/desired-networks';
import { outcomeEvent } from './outcome-events';
import { Reconciler, type NetworkOutcome } from './reconciler';
import type { Vsctl } from './ovs/vsctl';

export interface AgentConfig {
  host: string;
  nc: NatsConnection;
  names: BusNames;
  vsctl: Vsctl;
  log: Logger;
  /** Full reconcile period (drift repair); default 30 s. */
  resyncIntervalMs?: number;
}

export interface Agent { stop(): Promise<void> }

/**
 * The per-host agent: learns the host's desired state from the API, reconciles OVS with it, then
 * follows its durable command consumer. A command is acked only after its outcome was published,
 * so a crash mid-apply means redelivery (harmless: apply is idempotent and generation-checked).
 */
export async function startAgent(config: AgentConfig): Promise<Agent> {
  const { host, nc, names, log } = config;
  const js = jetstream(nc);
  const desired = new DesiredNetworks();

  const report = async (outcomes: NetworkOutcome[]) => {
    const now = new Date().toISOString();
    await Promise.all(outcomes.map((o) => {
      const event: AgentEventMessageV1 = outcomeEvent(host, o, randomUUID(), now);
      log.info({ network: o.network, generation: o.command.generation, outcome: o.kind, ...(o.kind === 'failed' ? { error: o.error } : {}) }, 'network outcome');
      return js.publish(names.eventSubject(host, event.type), encodeJson(event), { msgID: event.eventId });
    }));
  };
  const reconciler = new Reconciler(config.vsctl, desired, report, log);

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
  await reconciler.request(desired.all().map((c) => c.network));
  log.info({ networks: desired.all().length }, 'initial reconcile done');

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
    desired.offer(command);
    void reconciler.request([command.network]).then(() => m.ack());
  };
  const loop = (async () => { for await (const m of messages) handle(m); })();

  const resync = setInterval(() => {
    void fetchDesired()
      .then(() => reconciler.request([]))
      .catch((e) => log.warn({ err: e }, 'periodic resync failed'));
  }, config.resyncIntervalMs ?? 30_000);

  return {
    async stop() {
      clearInterval(resync);
      await messages.close();
      await loop;
    },
  };
}
