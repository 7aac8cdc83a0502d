import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@netfleet/bus/names';
import { API_CONSUMER_ACK_WAIT_MS, CONSUME_EXPIRES_MS } from '@netfleet/bus/nats';
import type { ErrorCode } from '@netfleet/errors/error-codes';
import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds, type NewEvent } from '@netfleet/events/event-envelope';
import type { AgentEventMessageV1 } from '@netfleet/events/agent-event-message';
import { checkAgentEvent } from '@netfleet/events/agent-event-schemas';
import { appendToStream } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import { recordDeadLetter } from '@netfleet/eventstore/dead-letters';
import { wasEverDefined, wasEverPlacedOn } from '@netfleet/eventstore/placement-history';
import { HostEventType } from '@netfleet/events/host-events';
import type { Logger } from '@netfleet/log/logger';

/** An agent's report is a network's outcome and a few lines: anything bigger is not one. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Deliveries after which a report the store keeps refusing (not for being down) is dead-lettered. */
export const MAX_DELIVERIES = 5;
/** Redelivery delay of a report the store refused (it may refuse it again: back off to 30 s). */
const RETRY_DELAY_MS = (delivery: number) => Math.min(30_000, 1000 * 2 ** (delivery - 1));
/**
 * Redelivery delay of a report the store could not be asked about (down, starting up): at most
 * 4 s, so reports are recorded within seconds of its return. Backing off to 30 s like a refusal
 * made the fault suite's 30 s PostgreSQL outage take 30 s more to converge once it was back.
 */
const UNAVAILABLE_RETRY_MS = (delivery: number) => Math.min(4_000, 1000 * 2 ** (delivery - 1));
/** Store failures that say nothing about the report: retried for as long as they last. */
const TRANSIENT: readonly ErrorCode[] = ['NF_STORE_UNAVAILABLE', 'NF_STORE_NO_DATABASE', 'NF_STORE_CONTENDED'];

/** Reports of one host recorded in one append at most (one transaction, one commit). */
export const MAX_BATCH = 64;
/** Hosts whose reports are appended at the same time (each uses one pooled connection). */
export const HOSTS_AT_ONCE = 4;
/** Reports taken from the consumer but not yet recorded, beyond which the recorder stops pulling. */
const MAX_PENDING = 1024;

/**
 * Records agents' reports in the event store. API instances share one durable consumer, so each
 * report is recorded once; a redelivered report has the same event id and appends nothing.
 *
 * Up to HOSTS_AT_ONCE hosts are recorded side by side, each host one append at a time: a host's
 * reports that arrived meanwhile go as ONE append (up to MAX_BATCH), in the order they arrived
 * (its stream's order), hosts taking turns. Different hosts' reports on one network write their
 * own placement rows (migration 0007), so side by side they do not refold each other; one
 * network on 100 hosts is then not 100 appends in a row.
 *
 * A report that can never be recorded is refused once and kept as a dead letter (GET
 * /v1/admin/dead-letters) with why, then terminated so JetStream never redelivers it: one that is
 * too big, not JSON, not valid for its type's schema, speaking for another host than its subject's,
 * or about a network never placed on its host. One the store refuses is retried with backoff and
 * dead-lettered after MAX_DELIVERIES; while the store is down it is retried until it is back
 * (dead-lettering needs the store too, and the report is fine).
 */
export class EventRecorder {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  /** `host/network` pairs known to be placed (placement, once made, is in the log for good). */
  private readonly placed = new Set<string>();
  /** Per subject host, reports waiting for the host's running append to end. */
  private readonly waiting = new Map<string, JsMsg[]>();
  /** The running drains, at most HOSTS_AT_ONCE; each records one host's batch at a time. */
  private readonly drains = new Set<Promise<void>>();
  private pending = 0;
  private roomFreed: (() => void) | undefined;
  /** Per host, the batch being recorded now (a host is in one drain at a time: its order holds). */
  private readonly recording = new Map<string, JsMsg[]>();
  /** Tells JetStream, twice per ack wait, that the reports taken are still being worked on. */
  private keepAlive: NodeJS.Timeout | undefined;

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
    this.messages = await consumer.consume({ max_messages: 256, expires: CONSUME_EXPIRES_MS });
    const messages = this.messages;
    // The ack wait is short (so a killed instance's reports go to another one soon): reports
    // waiting here behind a slow store must not be redelivered meanwhile.
    this.keepAlive = setInterval(() => this.stillWorking(), API_CONSUMER_ACK_WAIT_MS / 2);
    this.keepAlive.unref();
    this.loop = (async () => {
      for await (const m of messages) {
        this.enqueue(m);
        if (this.pending >= MAX_PENDING) await new Promise<void>((resolve) => { this.roomFreed = resolve; });
      }
    })();
  }

  async stop(): Promise<void> {
    clearInterval(this.keepAlive);
    await this.messages?.close();
    await this.loop;
    while (this.drains.size > 0) await Promise.all(this.drains);
  }

  private stillWorking(): void {
    for (const batch of this.recording.values()) for (const m of batch) m.working();
    for (const queue of this.waiting.values()) for (const m of queue) m.working();
  }

  private enqueue(m: JsMsg): void {
    const key = this.names.hostOfEventSubject(m.subject) ?? '';
    this.pending++;
    const queue = this.waiting.get(key);
    if (queue) queue.push(m);
    else this.waiting.set(key, [m]);
    if (this.drains.size < HOSTS_AT_ONCE && !this.recording.has(key)) {
      const drain: Promise<void> = this.drain().finally(() => { this.drains.delete(drain); });
      this.drains.add(drain);
    }
  }

  /** The first host with reports waiting and no batch being recorded, if any. */
  private nextHost(): string | undefined {
    for (const key of this.waiting.keys()) if (!this.recording.has(key)) return key;
    return undefined;
  }

  /**
   * Records waiting reports, one host's batch at a time, hosts in turn, until no host is left
   * that another drain is not already recording.
   */
  private async drain(): Promise<void> {
    for (let key = this.nextHost(); key !== undefined; key = this.nextHost()) {
      const queue = this.waiting.get(key)!;
      const batch = queue.splice(0, MAX_BATCH);
      // Hosts take turns: one with more waiting goes to the back of the line.
      this.waiting.delete(key);
      if (queue.length > 0) this.waiting.set(key, queue);
      this.recording.set(key, batch);
      await this.recordBatch(batch).catch((e) => this.log.error({ err: e }, 'recording agent events failed; they will be redelivered'));
      this.recording.delete(key);
      this.pending -= batch.length;
      if (this.pending < MAX_PENDING && this.roomFreed) { this.roomFreed(); this.roomFreed = undefined; }
    }
  }

  /** One host's reports, in arrival order: the refused ones dead-lettered, the rest in one append. */
  private async recordBatch(batch: JsMsg[]): Promise<void> {
    const accepted: { m: JsMsg; message: AgentEventMessageV1 }[] = [];
    for (const m of batch) {
      const message = await this.check(m);
      if (message) accepted.push({ m, message });
    }
    if (accepted.length === 0) return;
    const host = accepted[0]!.message.host;
    try {
      const result = await appendToStream(this.db, { streamId: streamIds.host(host), expectedVersion: 'any', events: accepted.map((a) => eventOf(a.message)) });
      // A batch is "duplicate" when any of its event ids was already in the log (a redelivery):
      // record its reports one by one then, so the new ones among them are not lost.
      if (result.duplicate && accepted.length > 1) {
        for (const a of accepted) await this.recordOne(a.m, a.message);
        return;
      }
      for (const a of accepted) a.m.ack();
      if (!result.duplicate) for (const a of accepted) await this.recorded(a.message);
    } catch (e) {
      for (const a of accepted) await this.refusedByStore(a.m, a.message, e);
    }
  }

  private async recordOne(m: JsMsg, message: AgentEventMessageV1): Promise<void> {
    try {
      const result = await appendToStream(this.db, { streamId: streamIds.host(message.host), expectedVersion: 'any', events: [eventOf(message)] });
      m.ack();
      if (!result.duplicate) await this.recorded(message);
    } catch (e) {
      await this.refusedByStore(m, message, e);
    }
  }

  private recorded(message: AgentEventMessageV1): Promise<void> {
    return this.onRecorded(message).catch((e) => this.log.error({ err: e, eventId: message.eventId }, 'reacting to an agent event failed'));
  }

  /** The report if it can be recorded; else it was dead-lettered or nak'd here, and undefined. */
  private async check(m: JsMsg): Promise<AgentEventMessageV1 | undefined> {
    const subjectHost = this.names.hostOfEventSubject(m.subject);
    try {
      return await this.accepted(m, subjectHost);
    } catch (e) {
      if (!isNetfleetError(e) || TRANSIENT.includes(e.code)) {
        // The store could not be asked (placement), e.g. PostgreSQL down or still starting up:
        // nothing is wrong with the report yet.
        this.log.error({ err: e, subject: m.subject }, 'could not check an agent event; it will be redelivered');
        m.nak(UNAVAILABLE_RETRY_MS(m.info.deliveryCount));
        return undefined;
      }
      this.log.warn({ subject: m.subject, err: e }, 'dropped an agent event that is malformed or speaks for another host');
      await this.deadLetter(m, subjectHost, e);
      return undefined;
    }
  }

  private async refusedByStore(m: JsMsg, message: AgentEventMessageV1, error: unknown): Promise<void> {
    // The store throws NetfleetErrors only (PostgreSQL's are mapped there).
    const deliveries = m.info.deliveryCount;
    const unavailable = isNetfleetError(error) && TRANSIENT.includes(error.code);
    if (unavailable || deliveries < MAX_DELIVERIES) {
      this.log.error({ err: error, eventId: message.eventId, deliveries }, 'could not record an agent event; it will be redelivered');
      m.nak(unavailable ? UNAVAILABLE_RETRY_MS(deliveries) : RETRY_DELAY_MS(deliveries));
      return;
    }
    this.log.error({ err: error, eventId: message.eventId, deliveries }, 'an agent event was refused by the store on every delivery; dead-lettered');
    await this.deadLetter(m, this.names.hostOfEventSubject(m.subject), new NetfleetError('NF_BUS_UNRECORDABLE', { deliveries, reason: (error as Error).message }));
  }

  /** The report, checked whole before anything is written; throws the reason it is refused. */
  private async accepted(m: JsMsg, subjectHost: string | undefined): Promise<AgentEventMessageV1> {
    if (m.data.byteLength > MAX_EVENT_BYTES) throw new NetfleetError('NF_BUS_EVENT_TOO_LARGE', { bytes: m.data.byteLength, max: MAX_EVENT_BYTES });
    let parsed: unknown;
    try {
      parsed = m.json<unknown>();
    } catch {
      throw new NetfleetError('NF_BUS_BAD_EVENT', { reason: 'it is not JSON' });
    }
    const check = checkAgentEvent(parsed);
    if (!check.ok) {
      // Speaking for another host is the more telling refusal, whatever else is wrong.
      const claimed = parsed as { host?: unknown; data?: { host?: unknown } } | null;
      if (typeof claimed === 'object' && claimed !== null && (claimed.host !== subjectHost || claimed.data?.host !== subjectHost)) throw mismatch(claimed.host, subjectHost);
      throw new NetfleetError('NF_BUS_BAD_EVENT', { reason: check.reason });
    }
    const { message } = check;
    if (message.host !== subjectHost || message.data.host !== subjectHost) throw mismatch(message.host, subjectHost);
    if (m.subject !== this.names.eventSubject(message.host, message.type)) {
      throw new NetfleetError('NF_BUS_BAD_EVENT', { reason: `a ${message.type} event arrived on ${m.subject}, not ${this.names.eventSubject(message.host, message.type)}` });
    }
    const network = (message.data as { network?: string }).network;
    // An agent removing a bridge it owns for a network netfleet never had is cleaning its own
    // host (DriftDetected, repaired): that adds history to no network. Any other report about a
    // network not placed on the host is refused.
    const ownCleanup = message.type === HostEventType.DriftDetected && network !== undefined && !(await wasEverDefined(this.db, network));
    if (network !== undefined && !ownCleanup && !(await this.wasPlaced(network, message.host))) {
      throw new NetfleetError('NF_BUS_NOT_PLACED', { host: message.host, type: message.type, network });
    }
    return message;
  }

  private async wasPlaced(network: string, host: string): Promise<boolean> {
    const key = `${host}/${network}`;
    if (this.placed.has(key)) return true;
    const placed = await wasEverPlacedOn(this.db, network, host);
    if (placed) this.placed.add(key);
    return placed;
  }

  /** Keeps the report as a dead letter, then terminates it; while the store is down, retries later. */
  private async deadLetter(m: JsMsg, host: string | undefined, reason: NetfleetError): Promise<void> {
    try {
      await recordDeadLetter(this.db, {
        reasonCode: reason.code, reason: reason.message, subject: m.subject, host,
        payload: m.data, streamSequence: m.info.streamSequence, deliveries: m.info.deliveryCount,
      });
      // Without a reason: with one, nats-server 2.9.10 sent no MSG_TERMINATED advisory here.
      m.term();
    } catch (e) {
      this.log.error({ err: e, subject: m.subject }, 'could not keep a dead letter; the event will be redelivered');
      m.nak(UNAVAILABLE_RETRY_MS(m.info.deliveryCount));
    }
  }
}

/** The report as an event of its host's stream. */
const eventOf = (message: AgentEventMessageV1): NewEvent => ({
  eventId: message.eventId, type: message.type, v: message.v, data: message.data,
  metadata: {
    actor: `host:${message.host}`, source: `host:${message.host}`, correlationId: message.correlationId,
    ...(message.causationId ? { causationId: message.causationId } : {}), occurredAt: message.occurredAt,
  },
});

const mismatch = (claimed: unknown, subjectHost: string | undefined) =>
  new NetfleetError('NF_BUS_HOST_MISMATCH', { claimed: String(claimed).slice(0, 80), subjectHost: String(subjectHost) });
