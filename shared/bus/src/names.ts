/**
 * Every NATS subject, stream and consumer name netfleet uses comes from here. A namespace keeps
 * fleets (and test runs) on one NATS server apart: `netfleet` in production, a unique one per test.
 *
 *   <ns>.cmd.<host>.apply          API → agent: ApplyNetwork (JetStream stream <NS>_CMD, work queue)
 *   <ns>.evt.<host>.<EventType>    agent → API: outcomes (JetStream stream <NS>_EVT, work queue)
 *   <ns>.api.desired.<host>        agent → API request/reply: the host's whole desired state
 */
export interface BusNames {
  namespace: string;
  commandStream: string;
  eventStream: string;
  commandSubject(host: string): string;
  commandFilter(host: string): string;
  allCommands: string;
  eventSubject(host: string, eventType: string): string;
  eventFilter(host: string): string;
  allEvents: string;
  desiredStateSubject(host: string): string;
  allDesiredStateRequests: string;
  agentConsumer(host: string): string;
  apiConsumer: string;
  /** The host named by an event subject, if it is one. */
  hostOfEventSubject(subject: string): string | undefined;
}

const HOST_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Host names become subject tokens: no dots, wildcards or spaces. */
export function isValidHostName(host: string): boolean {
  return HOST_TOKEN.test(host);
}

export function busNames(namespace = 'netfleet'): BusNames {
  const upper = namespace.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const eventPrefix = `${namespace}.evt.`;
  return {
    namespace,
    commandStream: `${upper}_CMD`,
    eventStream: `${upper}_EVT`,
    commandSubject: (host) => `${namespace}.cmd.${host}.apply`,
    commandFilter: (host) => `${namespace}.cmd.${host}.>`,
    allCommands: `${namespace}.cmd.>`,
    eventSubject: (host, eventType) => `${namespace}.evt.${host}.${eventType}`,
    eventFilter: (host) => `${namespace}.evt.${host}.>`,
    allEvents: `${namespace}.evt.>`,
    desiredStateSubject: (host) => `${namespace}.api.desired.${host}`,
    allDesiredStateRequests: `${namespace}.api.desired.*`,
    agentConsumer: (host) => `agent-${host}`,
    apiConsumer: 'api',
    hostOfEventSubject: (subject) => subject.startsWith(eventPrefix) ? subject.slice(eventPrefix.length).split('.')[0] : undefined,
  };
}
