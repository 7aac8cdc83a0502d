import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@netfleet/bus/names';
import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import type { Logger } from '@netfleet/log/logger';

/**
 * Publishes each recorded event, as the event stream's reader reads it, to
 * `<ns>.events.<kind>.<name>` (core NATS, structured CloudEvents JSON) for subscribers that would
 * rather not hold an HTTP stream. Best effort, like any core NATS subject: a subscriber that must
 * not miss an event reads the SSE stream or a webhook (both resume). `Nats-Msg-Id` is the event id,
 * so a JetStream stream a subscriber puts over these subjects drops the copies that several API
 * instances publish.
 */
export class CloudEventPublisher {
  constructor(private readonly nc: NatsConnection, private readonly names: BusNames, private readonly log: Logger) {}

  publish(events: readonly CloudEventV1[]): void {
    for (const ce of events) {
      const [kind = 'unknown', name = ''] = ce.streamid.split(/:(.*)/s);
      const h = headers();
      h.set('Nats-Msg-Id', ce.id);
      h.set('content-type', 'application/cloudevents+json; charset=utf-8');
      try {
        this.nc.publish(this.names.cloudEventSubject(kind, name), JSON.stringify(ce), { headers: h });
      } catch (e) {
        this.log.warn({ err: e, position: ce.position }, 'could not publish an event to NATS subscribers');
      }
    }
  }
}
