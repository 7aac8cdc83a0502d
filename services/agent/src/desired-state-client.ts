import type { NatsConnection } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import type { DesiredStateV1 } from '@netfleet/events/host-commands';
import type { Logger } from '@netfleet/log/logger';
import type { DesiredNetworks } from './desired/desired-networks';

export interface DesiredStateClient {
  /** Asks the API once for this host's desired networks and replaces `desired` with the answer. */
  refresh(): Promise<void>;
  /** `refresh` until the API answers (backing off to 5 s); resolves with how many attempts it took. */
  refreshUntilAnswered(): Promise<number>;
}

export interface DesiredStateClientOptions {
  nc: NatsConnection;
  names: BusNames;
  host: string;
  desired: DesiredNetworks;
  log: Logger;
  /** How long one request waits for the API; default 5 s. */
  timeoutMs?: number;
}

/**
 * The host's desired state from the API (NATS request/reply on `<ns>.api.desired.<host>`): the
 * whole list of networks placed here, with their generations. The agent's durable copy of what
 * it must run lives there, not in its command stream — which is why an acked command is never
 * lost (see command-consumer.ts).
 */
export function createDesiredStateClient(options: DesiredStateClientOptions): DesiredStateClient {
  const { nc, names, host, desired, log } = options;
  const refresh = async () => {
    const since = desired.mark();
    const reply = await nc.request(names.desiredStateSubject(host), encodeJson({ v: 1, host }), { timeout: options.timeoutMs ?? 5000 });
    desired.replaceAll(reply.json<DesiredStateV1>().networks, since);
  };
  return {
    refresh,
    async refreshUntilAnswered() {
      for (let attempt = 1; ; attempt++) {
        try {
          await refresh();
          return attempt;
        } catch (e) {
          log.warn({ err: e, attempt }, 'cannot get this host\'s desired state from the API yet; retrying');
          await new Promise((r) => setTimeout(r, Math.min(5000, 200 * attempt)));
        }
      }
    },
  };
}
