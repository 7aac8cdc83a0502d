import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { Database } from '@netfleet/eventstore/database';
import { relayOutbox } from '@netfleet/eventstore/outbox';
import type { Logger } from '@netfleet/log/logger';

const SWEEP_INTERVAL_MS = 2_000;

/**
 * Publishes committed outbox rows to JetStream. Woken right after this instance commits (no
 * polling on the hot path); a slow sweep also picks up rows another instance left behind when it
 * crashed between commit and publish.
 */
export class OutboxRelay {
  private readonly js: JetStreamClient;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(nc: NatsConnection, private readonly db: Database, private readonly log: Logger) {
    this.js = jetstream(nc);
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), SWEEP_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Relays now; resolves when what was committed before the call has been published. */
  wake(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running.then(() => this.running ?? undefined);
    }
    this.running = this.drain().finally(() => { this.running = undefined; });
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await relayOutbox(this.db, (messages) => this.publish(messages))) > 0) { /* next batch */ }
      } catch (e) {
        this.log.warn({ err: e }, 'outbox relay failed; will retry on the next sweep');
        return;
      }
    } while (this.again);
  }

  private async publish(messages: { msgId: string; subject: string; payload: unknown }[]): Promise<void> {
    await Promise.all(messages.map((m) => this.js.publish(m.subject, encodeJson(m.payload), { msgID: m.msgId })));
  }
}
