import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@netfleet/bus/names';
import { CONSUME_EXPIRES_MS } from '@netfleet/bus/nats';
import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { Logger } from '@netfleet/log/logger';
import { AnsweredCommands } from './desired/answered-commands';
import type { DesiredNetworks } from './desired/desired-networks';
import type { Reconciler } from './reconciler';

export interface CommandConsumerOptions {
  nc: NatsConnection;
  names: BusNames;
  host: string;
  desired: DesiredNetworks;
  reconciler: Pick<Reconciler, 'request'>;
  log: Logger;
}

export interface CommandConsumer { stop(): Promise<void> }

function commandOf(m: JsMsg, host: string): ApplyNetworkV1 | undefined {
  let command: Partial<ApplyNetworkV1> | null;
  try {
    command = m.json<Partial<ApplyNetworkV1> | null>();
  } catch {
    return undefined;
  }
  return command?.type === 'ApplyNetwork' && command.host === host ? (command as ApplyNetworkV1) : undefined;
}

/** How long JetStream waits before redelivering a command whose outcome could not be published. */
const UNPUBLISHED_REDELIVERY_MS = 2000;

/**
 * Follows this host's durable JetStream pull consumer (`agent-<host>`): each ApplyNetwork is
 * offered to the desired networks (an older generation changes nothing) and its network is put
 * on the reconciler's queue.
 *
 * Ack policy: a command is acked once the pass that covered it has PUBLISHED its outcome —
 * success, a terminal failure, or the first report of a retriable one. A retriable failure is
 * acked too, because the reconciler's level-triggered queue owns the retry (per-network backoff):
 * the command is already in the agent's desired state, and the API's desired state, which the
 * agent re-reads at start and at every resync, is the durable copy — so an acked command cannot be
 * lost even if the agent dies before the retry succeeds. `nak(delay)` instead would add a second,
 * uncoordinated retry timer per message racing the queue's, hold every command un-acked while OVS
 * is down (up to the consumer's max_ack_pending, stalling newer commands such as a stop behind
 * stale ones), and redeliver stale generations. Only an outcome that could not be published
 * (NATS trouble) is nak'd, so JetStream asks again. A malformed command is terminated (`term`).
 * A command delivered again after it was answered is acked at once (AnsweredCommands): its
 * outcome is on the bus already, and a second report would be recorded as a second event.
 */
export async function startCommandConsumer(options: CommandConsumerOptions): Promise<CommandConsumer> {
  const { nc, names, host, desired, reconciler, log } = options;
  const consumer = await jetstream(nc).consumers.get(names.commandStream, names.agentConsumer(host));
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 1000, expires: CONSUME_EXPIRES_MS });
  const inFlight = new Set<Promise<void>>();
  const answered = new AnsweredCommands();
  const handle = (m: JsMsg) => {
    const command = commandOf(m, host);
    if (!command) {
      log.warn({ subject: m.subject, host }, `dropped a message that is not an ApplyNetwork for ${host}`);
      m.term();
      return;
    }
    if (answered.has(command.commandId)) {
      log.debug({ commandId: command.commandId, network: command.network }, 'a command answered already was delivered again; acked without a second answer');
      m.ack();
      return;
    }
    desired.offer(command);
    const settled = reconciler.request([command.network]).then((published) => {
      if (published) {
        answered.add(command.commandId);
        m.ack();
      } else {
        m.nak(UNPUBLISHED_REDELIVERY_MS);
      }
    });
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  };
  const loop = (async () => { for await (const m of messages) handle(m); })();
  return {
    async stop() {
      await messages.close();
      await loop;
      await Promise.all(inFlight);
    },
  };
}
