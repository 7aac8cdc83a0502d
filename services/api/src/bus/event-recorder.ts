import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@netfleet/bus/names';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds } from '@netfleet/events/event-envelope';
import { AGENT_REPORTED_TYPES } from '@netfleet/events/host-events';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import { appendToStream } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import type { Logger } from '@netfleet/log/logger';

/**
 * Records agents' reports in the event store. API instances share one durable consumer, so each
 * report is recorded once; a redelivered report has the same event id and appends nothing. A
 * report that speaks for another host than the subject it came on is dropped and logged.
 */
export class EventRecorder {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly db: Database,
    private readonly names: BusNames,
    private readonly log: Logger,
    /** Reacts to a report once it is recorded (first time only), e.g. autostart on AgentStarted. */
    private readonly onRecorded: (message: AgentEventMessageV1) => Promise<void> = async () => {},
  ) {}

  async start(): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(this.names.eventStream, this.names.apiConsumer);
    this.messages = await consumer.consume({ max_messages: 256 });
    const messages = this.messages;
    this.loop = (async () => { for await (const m of messages) await this.record(m); })();
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  private async record(m: JsMsg): Promise<void> {
    let message: AgentEventMessageV1;
    try {
      message = m.json<AgentEventMessageV1>();
      validate(message, this.names.hostOfEventSubject(m.subject));
    } catch (e) {
      this.log.warn({ subject: m.subject, err: e }, 'dropped an agent event that is malformed or speaks for another host');
      m.term();
      return;
    }
    try {
      const result = await appendToStream(this.db, {
        streamId: streamIds.host(message.host), expectedVersion: 'any',
        events: [{
          eventId: message.eventId, type: message.type, v: message.v, data: message.data,
          metadata: {
            actor: `host:${message.host}`, source: `host:${message.host}`, correlationId: message.correlationId,
            ...(message.causationId ? { causationId: message.causationId } : {}), occurredAt: message.occurredAt,
          },
        }],
      });
      m.ack();
      if (!result.duplicate) await this.onRecorded(message).catch((e) => this.log.error({ err: e, eventId: message.eventId }, 'reacting to an agent event failed'));
    } catch (e) {
      this.log.error({ err: e, eventId: message.eventId }, 'could not record an agent event; it will be redelivered');
      m.nak(1000);
    }
  }
}

function validate(message: AgentEventMessageV1, subjectHost: string | undefined): void {
  if (typeof message !== 'object' || message === null) throw new NetfleetError('NF_BUS_BAD_EVENT', 'event is not a JSON object');
  if (!AGENT_REPORTED_TYPES.includes(message.type)) throw new NetfleetError('NF_BUS_BAD_EVENT', `'${String(message.type)}' is not an event an agent may report`);
  if (message.host !== subjectHost || (message.data as { host?: string })?.host !== subjectHost) {
    throw new NetfleetError('NF_BUS_HOST_MISMATCH', `event for host '${message.host}' arrived on the subject of host '${subjectHost}'`);
  }
  if (typeof message.eventId !== 'string' || typeof message.correlationId !== 'string') throw new NetfleetError('NF_BUS_BAD_EVENT', 'event lacks eventId or correlationId');
}
