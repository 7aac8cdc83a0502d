import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import { desiredStateOf } from '@netfleet/fleet/desired-state-of';
import { listNetworkViews } from '@netfleet/eventstore/views';
import type { Database } from '@netfleet/eventstore/database';
import type { Logger } from '@netfleet/log/logger';
import type { HostConsumers } from './host-consumers';

/**
 * Answers an agent's "what should run on my host?" (at start and when it reconciles). The host is
 * taken from the subject, which the host's NATS credentials restrict to its own. The answer is
 * the current generation of every network placed on the host (desiredStateOf, which makes the
 * ApplyNetwork commands the way the command pipeline does). An agent asks before it reads its
 * command consumer, so a host known only through its agent gets its consumer here.
 */
export function answerDesiredState(nc: NatsConnection, db: Database, names: BusNames, hostConsumers: HostConsumers, log: Logger, now: () => Date = () => new Date()): Subscription {
  const prefix = names.desiredStateSubject('');
  return nc.subscribe(names.allDesiredStateRequests, {
    queue: 'netfleet-api',
    callback: (err, msg) => {
      if (err) { log.error({ err }, 'desired-state subscription failed'); return; }
      const host = msg.subject.slice(prefix.length);
      void (async () => {
        await hostConsumers.ensure([host]);
        msg.respond(encodeJson(desiredStateOf(host, await listNetworkViews(db), now().toISOString())));
      })().catch((e) => log.error({ err: e, host }, 'could not answer a desired-state request'));
    },
  });
}
