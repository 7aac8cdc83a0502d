/**
 * Every NATS subject, stream and consumer name netfleet uses comes from here. A namespace keeps
 * fleets (and test runs) on one NATS server apart: `netfleet` in production, a unique one per test.
 *
 *   <ns>.cmd.<host>.apply          API → agent: ApplyNetwork (JetStream stream <NS>_CMD, work queue)
 *   <ns>.evt.<host>.<EventType>    agent → API: outcomes (JetStream stream <NS>_EVT, work queue)
 *   <ns>.api.desired.<host>        agent → API request/reply: the host's whole desired state
 *   <ns>.hb.<host>                 agent → API core publish: heartbeat every few seconds (liveness)
 *   <ns>.agent.plan.<host>         API → agent request/reply: the plan for would-be commands (--dry-run)
 *   <ns>.events.<kind>.<name>      API → subscribers core publish: every recorded event as a CloudEvent
 *                                  (kind `network` or `host`; the name as a subject token, see below)
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
  heartbeatSubject(host: string): string;
  allHeartbeats: string;
  /** The host named by a heartbeat subject, if it is one. */
  hostOfHeartbeatSubject(subject: string): string | undefined;
  planRequestSubject(host: string): string;
  /** The host named by an event subject, if it is one. */
  hostOfEventSubject(subject: string): string | undefined;
  /** Where subscribers get the CloudEvent of each recorded event about a network or host. */
  cloudEventSubject(kind: string, name: string): string;
  allCloudEvents: string;
}

/**
 * A name as one subject token: letters, digits, `-` and `_` as they are; every other character
 * (a network name may hold `.`, `*`, `>` or spaces, which subjects cannot) as `%` and its UTF-8
 * bytes in upper-case hex, as in a URL (`web.1` → `web%2E1`).
 */
export function subjectToken(name: string): string {
  return Array.from(new TextEncoder().encode(name), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
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
    heartbeatSubject: (host) => `${namespace}.hb.${host}`,
    allHeartbeats: `${namespace}.hb.*`,
    hostOfHeartbeatSubject: (subject) => {
      const prefix = `${namespace}.hb.`;
      const host = subject.startsWith(prefix) ? subject.slice(prefix.length) : '';
      return HOST_TOKEN.test(host) ? host : undefined;
    },
    planRequestSubject: (host) => `${namespace}.agent.plan.${host}`,
    cloudEventSubject: (kind, name) => `${namespace}.events.${subjectToken(kind)}.${subjectToken(name)}`,
    allCloudEvents: `${namespace}.events.>`,
    hostOfEventSubject: (subject) => subject.startsWith(eventPrefix) ? subject.slice(eventPrefix.length).split('.')[0] : undefined,
  };
}

/** What an agent publishes on `<ns>.hb.<host>` every few seconds (core NATS, not stored). */
export interface HeartbeatV1 {
  v: 1;
  host: string;
  /** When the agent sent it (the agent's clock; the API judges liveness by its own). */
  sentAt: string;
  agentVersion: string;
  /** Process id and start time of the agent, so a restart is visible. */
  pid: number;
  startedAt: string;
}

/** API → agent on `<ns>.agent.plan.<host>`: what would you do if these commands arrived now? */
export interface PlanRequestV1 {
  v: 1;
  host: string;
  /** ApplyNetwork commands (as @netfleet/events/host-commands defines them) that would be sent. */
  commands: unknown[];
}

/** The agent's answer: the exact ovs-vsctl argv it would run, never executed. */
export interface PlanReplyV1 {
  v: 1;
  host: string;
  /** The full argv (program first); empty when OVS already matches. */
  argv: string[];
  /** Networks this host would refuse, with the code and message it would report. */
  refusals: { network: string; code: string; message: string }[];
  /** What differs today on bridges netfleet owns here ("<what> <observed> != <desired>"). */
  drift: { network: string; bridge: string; what: string[] }[];
  /** Per network: what OVS cannot honour (kept in external_ids). */
  warnings: { network: string; warnings: string[] }[];
  /** Set when the agent could not plan (OVS unreachable …). */
  error?: { code: string; message: string };
}
