import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { isValidHostName, type BusNames } from '../names';

/**
 * What one NATS user may do, in nats-server's configuration shape (`permissions { … }`).
 * `allow_responses: true` lets the user answer, once, a request it received (on the request's
 * reply subject) without a publish right on anyone's inbox.
 */
export interface NatsPermissions {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
  allow_responses?: boolean;
}

/** An agent connects with this inbox prefix, so the replies it asks for land where it may subscribe. */
export function hostInboxPrefix(host: string): string {
  return `_INBOX_${checkedHost(host)}`;
}

/** The NATS user a host's agent logs in as. */
export function hostUserName(host: string): string {
  return checkedHost(host);
}

/**
 * Subjects the agent is getting (heartbeats out, plan requests in) that names.ts does not have yet.
 * Kept here, next to the only code that needs them, until names.ts grows them.
 */
export function heartbeatSubject(names: BusNames, host: string): string {
  return `${names.namespace}.hb.${checkedHost(host)}`;
}

export function planRequestSubject(names: BusNames, host: string): string {
  return `${names.namespace}.agent.plan.${checkedHost(host)}`;
}

/**
 * Everything a host's agent needs on the bus, and nothing of another host's (product.md §4,
 * checked against nats-server 2.9.10 with @nats-io/jetstream 3.4):
 * - its events out (JetStream publish: the stream's ack comes back on the agent's inbox);
 * - its heartbeats out and its desired-state request (reply on its inbox);
 * - its own durable pull consumer, which the API made: `consumers.get` (CONSUMER.INFO), pulling
 *   (CONSUMER.MSG.NEXT) and acking/naking/terminating what it got ($JS.ACK.<stream>.<consumer>.>).
 *   No right to create, delete or list consumers or streams;
 * - plan requests for its host in, answered through `allow_responses`;
 * - its own inbox (`_INBOX_<host>.>`) in. The token after `_INBOX_` is the whole host name, so
 *   hv1 cannot read hv10's inbox.
 */
export function hostPermissions(names: BusNames, host: string): NatsPermissions {
  checkedHost(host);
  checkedNamespace(names.namespace);
  const consumer = `${names.commandStream}.${names.agentConsumer(host)}`;
  return {
    publish: {
      allow: [
        names.eventFilter(host),
        heartbeatSubject(names, host),
        names.desiredStateSubject(host),
        `$JS.API.CONSUMER.INFO.${consumer}`,
        `$JS.API.CONSUMER.MSG.NEXT.${consumer}`,
        `$JS.ACK.${consumer}.>`,
      ],
    },
    subscribe: {
      allow: [`${hostInboxPrefix(host)}.>`, planRequestSubject(names, host)],
    },
    allow_responses: true,
  };
}

function checkedHost(host: string): string {
  if (!isValidHostName(host)) {
    throw new NetfleetError('NF_BUS_BAD_HOST_NAME', { host });
  }
  return host;
}

// Dot-separated tokens of the same safe characters: no wildcards, no spaces, nothing a NATS
// configuration string would need to escape.
const NAMESPACE = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64})*$/;

export function checkedNamespace(namespace: string): string {
  if (!NAMESPACE.test(namespace)) {
    throw new NetfleetError('NF_BUS_BAD_NAMESPACE', { namespace });
  }
  return namespace;
}
