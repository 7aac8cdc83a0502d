import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusNames } from '@netfleet/bus/names';
import type { Vsctl } from '../ovs/vsctl';

export interface AgentCheck { ok: boolean; detail: string }
export interface AgentReadiness {
  ready: boolean;
  host: string;
  /** The NATS user this agent logged in as (its identity from host-add), or null without one. */
  natsUser: string | null;
  consumer: string;
  ovsVersion: string | null;
  checks: { nats: AgentCheck; consumer: AgentCheck; ovs: AgentCheck };
  missing: string[];
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms).unref())]);

/** Whether this agent can do its job: NATS connected, its own command consumer readable, OVS answering. */
export async function checkAgentReadiness(deps: { host: string; natsUser: string | null; nc: NatsConnection; names: BusNames; vsctl: Vsctl }, timeoutMs = 2000): Promise<AgentReadiness> {
  const { host, nc, names, vsctl } = deps;
  const consumer = names.agentConsumer(host);
  const nats: AgentCheck = nc.isClosed() ? { ok: false, detail: 'the NATS connection is closed' } : { ok: true, detail: `connected to ${nc.getServer()}` };
  const consumerCheck = await withTimeout(jetstream(nc).consumers.get(names.commandStream, consumer).then((c) => c.info(true)), timeoutMs, 'NATS JetStream')
    .then((info): AgentCheck => ({ ok: true, detail: `${names.commandStream}/${consumer}: ${info.num_pending} waiting` }), (e: Error): AgentCheck => ({ ok: false, detail: `${names.commandStream}/${consumer}: ${e.message}` }));
  let ovsVersion: string | null = null;
  const ovs = await withTimeout(ovsVersionOf(vsctl), timeoutMs, 'ovsdb-server')
    .then((version): AgentCheck => { ovsVersion = version; return { ok: true, detail: `${vsctl.db}: Open vSwitch ${version}` }; },
      (e: Error): AgentCheck => ({ ok: false, detail: `${vsctl.db}: ${e.message.split('\n')[0]}` }));
  const checks = { nats, consumer: consumerCheck, ovs };
  const missing = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
  return { ready: missing.length === 0, host, natsUser: deps.natsUser, consumer, ovsVersion, checks, missing };
}

/**
 * The version the host's OVS database records (the database answering is the check); where
 * nothing set it (a bare ovsdb-server, as in sandboxes), ovs-vsctl's own version.
 */
async function ovsVersionOf(vsctl: Vsctl): Promise<string> {
  const recorded = (await vsctl.run(['get', 'Open_vSwitch', '.', 'ovs_version'])).trim().replace(/^"|"$/g, '');
  if (recorded && recorded !== '[]') return recorded;
  const program = await vsctl.run(['--version']);
  return /Open vSwitch\)\s*(\S+)/.exec(program)?.[1] ?? 'unknown';
}
