import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { encodeJson } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import type { DesiredStateV1 } from '@netfleet/events/host-commands';
import { listNetworkViews } from '@netfleet/eventstore/views';
import type { Database } from '@netfleet/eventstore/database';
import type { Logger } from '@netfleet/log/logger';
import type { HostConsumers } from './host-consumers';

/**
 * Answers an agent's "what should run on my host?" (at start and when it reconciles). The host is
 * taken from the subject, which the host's NATS credentials restrict to its own. The answer is
 * the current generation of every network placed on the host.
 */
export function answerDesiredState(nc: NatsConnection, db: Database, names: BusNames, hostConsumers: HostConsumers, log: Logger): Subscription {
  const prefix = names.desiredStateSubject('');
  return nc.subscribe(names.allDesiredStateRequests, {
    queue: 'netfleet-api',
    callback: (err, msg) => {
      if (err) { log.error({ err }, 'desired-state subscription failed'); return; }
      const host = msg.subject.slice(prefix.length);
      void (async () => {
        await hostConsumers.ensure([host]);
        const views = await listNetworkViews(db);
        const now = new Date().toISOString();
        const answer: DesiredStateV1 = {
          v: 1, host,
          networks: views.filter((v) => v.hosts.includes(host)).map((v) => ({
            type: 'ApplyNetwork', v: 1, commandId: `desired:${v.name}:${v.generation}:${host}`,
            correlationId: v.perHost[host]?.correlationId ?? `desired:${v.name}`, host, network: v.name, uuid: v.uuid,
            generation: v.generation, desired: v.active ? 'running' : 'stopped', xml: v.xml, issuedAt: now,
            ...(v.perHost[host]?.appliedGeneration === v.generation ? { observedHere: v.perHost[host]!.observed } : {}),
          })),
        };
        msg.respond(encodeJson(answer));
      })().catch((e) => log.error({ err: e, host }, 'could not answer a desired-state request'));
    },
  });
}
