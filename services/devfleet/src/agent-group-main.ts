import { readFileSync } from 'node:fs';
import { startAgent, type Agent } from '@netfleet/agent/agent';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { createLogger } from '@netfleet/log/logger';
import type { AgentGroupSpec } from './agent-group-spec';

// Several agents in one Node process (the scaled dev fleet): a hundred agents as a hundred
// processes would take gigabytes. Each agent still has its own host name, NATS connection and
// credentials (so its own permissions and durable consumer), its own OVS sandbox and OVSDB
// session; they share only the event loop. The spec file is argv[2] (it holds passwords: 0600).
const spec = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as AgentGroupSpec;
const log = createLogger('agent', { group: spec.group });
const names = busNames(spec.namespace);
const running: { agent: Agent; nc: NatsConnection }[] = [];

async function startOne(host: AgentGroupSpec['agents'][number]): Promise<void> {
  const hostLog = log.child({ host: host.name });
  const nc = await connectBus({
    servers: spec.natsUrl, name: `netfleet-agent-${host.name}`, inboxPrefix: host.nats.inboxPrefix,
    ...(host.nats.user ? { user: host.nats.user, pass: host.nats.password } : {}),
  });
  const agent = await startAgent({
    host: host.name, nc, names, log: hostLog,
    vsctl: createVsctl({ db: host.ovsDb, timeoutSeconds: spec.ovsTimeoutSeconds ?? 10 }),
    ...(spec.heartbeatIntervalMs ? { heartbeatIntervalMs: spec.heartbeatIntervalMs } : {}),
  });
  running.push({ agent, nc });
  hostLog.info({ ovsDb: host.ovsDb }, 'agent running');
}

const shutdown = () => {
  void Promise.all(running.map(async ({ agent, nc }) => { await agent.stop(); await nc.drain(); }))
    .catch((e) => log.warn({ err: e }, 'an agent did not stop cleanly'))
    .then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
// Orphaned (the fleet was SIGKILLed): stop rather than run on.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) shutdown(); }, 1000).unref();

try {
  // A few at a time: each start is a NATS login (a bcrypt check on the server) and a first pass.
  const queue = [...spec.agents];
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, async () => {
    for (let host = queue.shift(); host; host = queue.shift()) await startOne(host);
  }));
  log.info({ agents: running.length }, 'agent group running');
} catch (e) {
  log.fatal({ err: e }, isNetfleetError(e) ? e.message : 'the agent group failed to start');
  process.exit(1);
}
