import { toCloudEvent, type CloudEventV1 } from '@netfleet/events/cloud-event';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { upcast, UPCASTERS, type UpcasterRegistry } from '@netfleet/events/upcasters';

/**
 * How a recorded event leaves this API (SSE, the NATS subjects for subscribers, webhooks): upcast
 * to its type's newest data version, then in the CloudEvents envelope, its `dataschema` under the
 * API's public URL (known once it listens, unless configured).
 */
export class CloudEventEnvelopes {
  constructor(private apiUrl: string, private readonly upcasters: UpcasterRegistry = UPCASTERS) {}

  /** The public URL, once the server knows where it listens (when none was configured). */
  setApiUrl(url: string): void { this.apiUrl = url; }

  get apiUrlNow(): string { return this.apiUrl; }

  of(event: RecordedEvent): CloudEventV1 {
    return toCloudEvent(upcast(event, this.upcasters), this.apiUrl);
  }
}
