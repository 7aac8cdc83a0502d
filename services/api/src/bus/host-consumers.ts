import type { JetStreamManager } from '@nats-io/jetstream';
import { ensureHostConsumer } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';

/**
 * Makes each host's durable command consumer once per API instance: at start-up for every known
 * host, when a host is registered (host-add), and when an agent first asks for its desired state
 * (a host known only through its agent). Never while a command runs: commands only record their
 * host commands in the outbox, and those wait in the work-queue stream until the consumer exists.
 * The API makes the consumers (not the agents) so a host's NATS user needs no right to create
 * them (deploy/nats/README.md).
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
