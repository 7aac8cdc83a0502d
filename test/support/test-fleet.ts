import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, deleteStreams, DEFAULT_NATS_URL, type NatsConnection } from '@netfleet/bus/nats';
import { busNames, type BusNames } from '@netfleet/bus/names';
import { silentLogger } from '@netfleet/log/logger';
import { startApiServer, type ApiServer } from '@netfleet/api/api-server';
import { startAgent, type Agent } from '@netfleet/agent/agent';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestController, type TestController } from '@netfleet/ovs-sandbox/test-controller';
import { createTestDatabase, type TestDatabase } from './test-database';
import { testNamespace } from './test-names';

export const NATS_URL = process.env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL;

export interface TestHost {
  name: string;
  sandbox: OvsSandbox;
  agent: Agent | undefined;
  nc: NatsConnection;
}

export interface TestFleet {
  apiUrl: string;
  token: string;
  names: BusNames;
  database: TestDatabase;
  api: ApiServer;
  controller: TestController;
  hosts: TestHost[];
  host(name: string): TestHost;
  /** Starts (or restarts) a host's agent. */
  startAgent(name: string): Promise<void>;
  stopAgent(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A whole fleet of the test's own: a fresh database, a NATS namespace of its own (streams removed
 * after), one OVS sandbox per host, a real OpenFlow controller, the API on a free port and one
 * agent per host — all real, all in this process except OVS and the controller.
 */
export async function startTestFleet(hostNames: string[] = ['hv1', 'hv2', 'hv3'], hostLabels: Record<string, Record<string, string>> = {}): Promise<TestFleet> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => { for (const c of cleanups.reverse()) await c().catch(() => undefined); };
  try {
    const database = await createTestDatabase({ migrate: false });
    cleanups.push(() => database.drop());
    const names = busNames(testNamespace());
    cleanups.push(async () => {
      const nc = await connectBus({ servers: NATS_URL, name: 'test-cleanup' });
      await deleteStreams(await jetstreamManager(nc), names);
      await nc.close();
    });
    const controller = await startTestController({ port: await freePort() });
    cleanups.push(() => controller.stop());
    const token = `test-${randomBytes(12).toString('hex')}`;
    const api = await startApiServer({
      databaseUrl: database.url, natsUrl: NATS_URL, namespace: names.namespace, host: '127.0.0.1', port: 0,
      tokens: [{ actor: 'alice', role: 'admin', token }], log: silentLogger(),
    });
    cleanups.push(() => api.close());

    // Register the hosts, as an admin's host-add would, so placements may name them.
    for (const name of hostNames) {
      const response = await fetch(`${api.url}/v1/hosts`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, labels: hostLabels[name] ?? {} }),
      });
      if (!response.ok) throw new Error(`registering ${name} failed: ${await response.text()}`);
    }
    const hosts: TestHost[] = [];
    for (const name of hostNames) {
      const sandbox = await startOvsSandbox({ name });
      cleanups.push(() => sandbox.stop());
      const nc = await connectBus({ servers: NATS_URL, name: `test-agent-${name}`, inboxPrefix: `_INBOX_${name}` });
      cleanups.push(() => nc.close());
      hosts.push({ name, sandbox, agent: undefined, nc });
    }
    const host = (name: string) => {
      const found = hosts.find((h) => h.name === name);
      if (!found) throw new Error(`no test host ${name}`);
      return found;
    };
    const fleet: TestFleet = {
      apiUrl: api.url, token, names, database, api, controller, hosts, host,
      async startAgent(name) {
        const h = host(name);
        await h.agent?.stop();
        h.agent = await startAgent({ host: name, nc: h.nc, names, vsctl: createVsctl({ db: h.sandbox.db }), log: silentLogger() });
      },
      async stopAgent(name) {
        const h = host(name);
        await h.agent?.stop();
        h.agent = undefined;
      },
      stop,
    };
    cleanups.push(async () => { for (const h of hosts) await h.agent?.stop(); });
    for (const h of hosts) await fleet.startAgent(h.name);
    return fleet;
  } catch (e) {
    await stop();
    throw e;
  }
}
