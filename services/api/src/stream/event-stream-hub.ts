import type { ServerResponse } from 'node:http';
import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { CommitNotifier } from '@netfleet/eventstore/commit-notifier';
import type { Database } from '@netfleet/eventstore/database';
import { readAll, settledPosition } from '@netfleet/eventstore/read';
import { subscribeToAll, type Subscription } from '@netfleet/eventstore/subscribe';
import type { Logger } from '@netfleet/log/logger';
import type { CloudEventEnvelopes } from '../outbound/cloud-event-envelopes';
import { Semaphore } from './semaphore';
import { StreamClient, type StreamCloseReason } from './stream-client';

export interface EventStreamHubOptions {
  /** Recent events kept in memory for clients slightly behind (by count and by frame bytes). */
  ringEvents?: number;
  ringBytes?: number;
  /** A client whose socket holds more than this unsent leaves the live set until it drains. */
  maxClientBufferBytes?: number;
  /** A client that does not drain for this long is disconnected. */
  stallTimeoutMs?: number;
  /** Pages of the live reader and of catch-up reads. */
  pageSize?: number;
  /** Catch-up reads (clients resuming from older than the ring) running at once. */
  catchUpReads?: number;
  keepaliveMs?: number;
}

/**
 * An event as written to every client: serialized once, shared by all. The SSE id is the log
 * position (what Last-Event-ID resumes from), the SSE event its CloudEvents type, the data its
 * CloudEvents envelope (structured JSON; the envelope's own `id` is the event id).
 */
interface Frame { position: number; event: RecordedEvent; text: string }

/**
 * Every SSE client of this API instance fed from ONE reader following the log (subscribeToAll on
 * the store's commit notifier) — so the PostgreSQL connections used do not grow with the
 * clients. Each event is serialized once and kept in a bounded ring of recent events. A client:
 * - resuming from older than the ring catches up from the store in pages (a few such reads at
 *   once), each page written only once the previous one drained: memory stays bounded;
 * - inside the ring is served from it, then joins the live set, which every page the reader
 *   reads is written to at once, filtered per client; the hub never waits for a client;
 * - whose socket buffer passes its limit leaves the live set until it drains, and is then served
 *   from the ring again — or, if it fell out of the ring (too far behind), closed with a reason
 *   event so it reconnects with Last-Event-ID and catches up from the store.
 * Nothing is missed: a client's position only moves past events it was given or that its filter
 * refused, and the live reader's position only past settled events (readAll's in-flight guard).
 */
export class EventStreamHub {
  private readonly ring: Frame[] = [];
  private ringBytes = 0;
  /** Every position in (ringStart, position] that exists is in the ring. */
  private ringStart = 0;
  private headPosition = 0;
  private readonly live = new Set<StreamClient>();
  private readonly clients = new Set<StreamClient>();
  private subscription: Subscription | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private readonly catchUp: Semaphore;
  private readonly options: Required<EventStreamHubOptions>;
  private readonly pageListeners: ((events: readonly CloudEventV1[]) => void)[] = [];

  constructor(private readonly db: Database, private readonly notifier: CommitNotifier, private readonly envelopes: CloudEventEnvelopes, private readonly log: Logger, options: EventStreamHubOptions = {}) {
    this.options = {
      ringEvents: 10_000, ringBytes: 32 * 2 ** 20, maxClientBufferBytes: 2 ** 20, stallTimeoutMs: 60_000,
      pageSize: 500, catchUpReads: 2, keepaliveMs: 15_000, ...options,
    };
    this.catchUp = new Semaphore(this.options.catchUpReads);
  }

  private frameOf(event: RecordedEvent, ce: CloudEventV1 = this.envelopes.of(event)): Frame {
    return { position: event.position, event, text: `id: ${event.position}\nevent: ${ce.type}\ndata: ${JSON.stringify(ce)}\n\n` };
  }

  /** The position every client without a resume position starts after ("now"). */
  get position(): number { return this.headPosition; }
  get clientCount(): number { return this.clients.size; }

  async start(): Promise<void> {
    this.headPosition = this.ringStart = await settledPosition(this.db);
    this.subscription = await subscribeToAll(this.db, {
      notifier: this.notifier, after: this.headPosition, pageSize: this.options.pageSize,
      handlePage: (page) => this.publish(page),
      onStoreError: (e, retryInMs) => this.log.warn({ err: e, retryInMs }, 'the event stream cannot read the store; retrying'),
    });
    this.subscription.done.catch((e) => this.log.error({ err: e }, 'the event stream reader stopped'));
    this.keepalive = setInterval(() => { for (const c of this.live) c.write(': keepalive\n\n'); }, this.options.keepaliveMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.keepalive);
    for (const client of [...this.clients]) client.close('shutdown', 'the API is shutting down; reconnect');
    await this.subscription?.stop();
  }

  /**
   * Attaches a client writing to `sink`, delivering the events after `after` that `matches`
   * accepts. The caller has written the response head already.
   */
  open(sink: ServerResponse, after: number, matches: (event: RecordedEvent) => boolean): StreamClient {
    const client = new StreamClient(sink, after, matches, () => this.detach(client));
    this.clients.add(client);
    void this.pump(client, false).catch((e) => {
      this.log.warn({ err: e }, 'an event stream client failed');
      client.close('error', 'the event stream failed; reconnect to resume');
    });
    return client;
  }

  private detach(client: StreamClient): void {
    this.live.delete(client);
    this.clients.delete(client);
  }

  /** Hands every page the live reader reads, as CloudEvents, to `listener` too (NATS subscribers). */
  onPage(listener: (events: readonly CloudEventV1[]) => void): void {
    this.pageListeners.push(listener);
  }

  /** A page from the live reader: into the ring, then to every live client. */
  private publish(page: RecordedEvent[]): void {
    const envelopes = page.map((e) => this.envelopes.of(e));
    const frames = page.map((e, i) => this.frameOf(e, envelopes[i]));
    for (const listener of this.pageListeners) listener(envelopes);
    for (const f of frames) { this.ring.push(f); this.ringBytes += f.text.length; }
    while (this.ring.length > 0 && (this.ring.length > this.options.ringEvents || this.ringBytes > this.options.ringBytes)) {
      const evicted = this.ring.shift()!;
      this.ringBytes -= evicted.text.length;
      this.ringStart = evicted.position;
    }
    this.headPosition = frames.at(-1)!.position;
    for (const client of this.live) {
      client.deliver(frames);
      if (client.buffered > this.options.maxClientBufferBytes) {
        this.live.delete(client);
        void this.pump(client, true).catch(() => client.close('error', 'the event stream failed; reconnect to resume'));
      }
    }
  }

  /**
   * Brings a client up to the head, then puts it in the live set. `fromLive`: it left the live
   * set because its buffer filled up, and only the ring may serve it again.
   */
  private async pump(client: StreamClient, fromLive: boolean): Promise<void> {
    const limit = this.options.maxClientBufferBytes;
    while (!client.closed) {
      if (client.buffered > limit && !(await client.drained(this.options.stallTimeoutMs))) {
        client.close('stalled', `the client read nothing for ${this.options.stallTimeoutMs / 1000} s`);
        return;
      }
      if (client.position >= this.headPosition) {
        // No await between the check and joining: the next page the reader publishes reaches it.
        this.live.add(client);
        return;
      }
      if (client.position >= this.ringStart) {
        client.deliver(this.ringAfter(client.position, limit / 2));
        continue;
      }
      if (fromLive) {
        client.close('lagging', `the client fell more than ${this.ring.length} events behind; reconnect with Last-Event-ID to resume from the store`);
        return;
      }
      // Older than the ring: from the store, bounded by what the live reader already passed (so
      // settled: no in-flight guard needed), one page at a time.
      const through = this.headPosition;
      const page = await this.catchUp.run(() => readAll(this.db, { after: client.position, untilPosition: through, inFlightGuard: false, limit: this.options.pageSize }));
      if (client.closed) return;
      client.deliver(page.map((e) => this.frameOf(e)));
      if (page.length < this.options.pageSize) client.skipTo(through);
    }
  }

  /** Frames after `position` from the ring, up to about `bytes`. */
  private ringAfter(position: number, bytes: number): Frame[] {
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[mid]!.position <= position) lo = mid + 1; else hi = mid;
    }
    const out: Frame[] = [];
    let size = 0;
    for (let i = lo; i < this.ring.length && (out.length === 0 || size < bytes); i++) {
      out.push(this.ring[i]!);
      size += this.ring[i]!.text.length;
    }
    return out;
  }
}

export type { StreamCloseReason };
