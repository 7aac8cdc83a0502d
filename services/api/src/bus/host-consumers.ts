import type { JetStreamManager } from '@nats-io/jetstream';
import { ensureHostConsumer } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';

/**
 * Makes each host's durable command consumer once per API instance. The API makes them (not the
 * agents) so a host's NATS user needs no right to create consumers (product.md §4). Commands
 * published before the consumer exists wait in the work-queue stream until it does.
 */
export class HostConsumers {
  private readonly known = new Map<string, Promise<void>>();

  constructor(private readonly jsm: JetStreamManager, private readonly names: BusNames) {}

  ensure(hosts: readonly string[]): Promise<void> {
    return Promise.all(hosts.map((host) => {
      let pending = this.known.get(host);
      if (!pending) {
        pending = ensureHostConsumer(this.jsm, this.names, host);
        pending.catch(() => this.known.delete(host));
        this.known.set(host, pending);
      }
      return pending;
    })).then(() => undefined);
  }
}
