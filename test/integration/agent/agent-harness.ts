import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { execa } from 'execa';
import { connectBus, deleteStreams, type NatsConnection } from '@netfleet/bus/nats';
import { busNames, type BusNames } from '@netfleet/bus/names';
import { silentLogger } from '@netfleet/log/logger';
import { startApiServer, type ApiServer } from '@netfleet/api/api-server';
import { startAgent, type Agent, type AgentConfig } from '@netfleet/agent/agent';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { NATS_URL } from '../../support/test-fleet';

const AGENT_MAIN = fileURLToPath(new URL('../../../services/agent/src/main.ts', import.meta.url));

export interface RecordedRow { stream_id: string; type: string; data: Record<string, unknown>; position: number }

export interface AgentHost {
  name: string;
  sandbox: OvsSandbox;
  /** `ovs-vsctl --timeout=10 --db=<this host> ...args` → trimmed stdout */
  vsctl(...args: string[]): Promise<string>;
  /** The in-process agent, or the pid of the agent process. */
  agent: Agent | undefined;
  process: ChildProcess | undefined;
}

/**
 * A small fleet for agent tests: the API in process (liveness tuned fast), a database and NATS
 * namespace of the test's own, one OVS sandbox per host, and agents either in process or as
 * real processes (`node --import tsx services/agent/src/main.ts`, so they can be kill -9'd).
 */
export class AgentFleet {
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  readonly hosts = new Map<string, AgentHost>();
  private readonly agentNcs = new Map<string, NatsConnection>();
  api!: ApiServer;
  database!: TestDatabase;
  names!: BusNames;
  readonly token = `test-${randomBytes(12).toString('hex')}`;

  static async start(hostNames: string[], options: { offlineAfterMs?: number } = {}): Promise<AgentFleet> {
    const fleet = new AgentFleet();
    try {
      fleet.database = await createTestDatabase({ migrate: false });
      fleet.cleanups.push(() => fleet.database.drop());
      fleet.names = busNames(`nfa_${randomBytes(5).toString('hex')}`);
      fleet.cleanups.push(async () => {
        const nc = await connectBus({ servers: NATS_URL, name: 'test-cleanup' });
        await deleteStreams(await jetstreamManager(nc), fleet.names);
        await nc.close();
      });
      fleet.api = await startApiServer({
        databaseUrl: fleet.database.url, natsUrl: NATS_URL, namespace: fleet.names.namespace, host: '127.0.0.1', port: 0,
        tokens: [{ actor: 'alice', role: 'admin', token: fleet.token }], log: silentLogger(),
        liveness: { offlineAfterMs: options.offlineAfterMs ?? 2500, checkIntervalMs: 200 },
      });
      fleet.cleanups.push(() => fleet.api.close());
      for (const name of hostNames) {
        const sandbox = await startOvsSandbox({ name });
        fleet.cleanups.push(() => sandbox.stop());
        fleet.hosts.set(name, {
          name, sandbox, agent: undefined, process: undefined,
          vsctl: async (...args) => (await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, ...args])).stdout.trim(),
        });
      }
      fleet.cleanups.push(async () => { for (const h of fleet.hosts.values()) await fleet.stopAgent(h.name); });
      // Placement takes known hosts: register them, as an admin would (host-add).
      for (const name of hostNames) {
        const registered = await fleet.http('POST', '/v1/hosts', { name });
        if (registered.status >= 300) throw new Error(`cannot register ${name}: ${JSON.stringify(registered.body)}`);
      }
      return fleet;
    } catch (e) {
      await fleet.stop();
      throw e;
    }
  }

  get apiUrl(): string { return this.api.url; }

  host(name: string): AgentHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no test host ${name}`);
    return h;
  }

  /** An agent in this process (fast heartbeats); `options` tune its resync and OVS session. */
  async startAgent(name: string, options: Pick<AgentConfig, 'resyncIntervalMs' | 'monitorDb' | 'ovsDriver'> = {}): Promise<void> {
    const h = this.host(name);
    let nc = this.agentNcs.get(name);
    if (!nc) {
      nc = await connectBus({ servers: NATS_URL, name: `test-agent-${name}`, inboxPrefix: `_INBOX_${name}` });
      this.agentNcs.set(name, nc);
      this.cleanups.push(() => nc!.close());
    }
    h.agent = await startAgent({ host: name, nc, names: this.names, vsctl: createVsctl({ db: h.sandbox.db }), log: silentLogger(), heartbeatIntervalMs: 300, ...options });
  }

  /** The agent as its own process, as systemd runs it; resolves once it is spawned. */
  spawnAgent(name: string, extraEnv: Record<string, string> = {}): ChildProcess {
    const h = this.host(name);
    const child = spawn(process.execPath, ['--import', 'tsx', AGENT_MAIN], {
      env: {
        ...process.env, NETFLEET_HOST: name, NETFLEET_OVS_DB: h.sandbox.db, NETFLEET_NATS_URL: NATS_URL,
        NETFLEET_NAMESPACE: this.names.namespace, NETFLEET_HEARTBEAT_MS: '300', NETFLEET_LOG_LEVEL: 'warn', ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.resume();
    h.process = child;
    return child;
  }

  async stopAgent(name: string): Promise<void> {
    const h = this.host(name);
    await h.agent?.stop();
    h.agent = undefined;
    const child = h.process;
    h.process = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }

  /** The API over HTTP, as the CLI talks to it. */
  async http<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async defineAndStart(xml: string, hosts: string[], wait = true): Promise<{ hosts: { host: string; outcome: string; error?: string; warnings: string[] }[] }> {
    const defined = await this.http('POST', '/v1/networks', { xml, hosts });
    if (defined.status >= 300) throw new Error(`define failed: ${JSON.stringify(defined.body)}`);
    const name = /<name>([^<]+)<\/name>/.exec(xml)![1]!;
    const started = await this.http<{ hosts: { host: string; outcome: string; error?: string; warnings: string[] }[] }>('POST', `/v1/networks/${name}/start${wait ? '?wait=true&timeout=30' : ''}`);
    if (started.status >= 300) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
    return started.body;
  }

  async events(host: string): Promise<RecordedRow[]> {
    const rows = await this.database.db.selectFrom('events').select(['stream_id', 'type', 'data', 'position'])
      .where('stream_id', '=', `host:${host}`).orderBy('position').execute();
    return rows.map((r) => ({ ...r, data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>, position: Number(r.position) }));
  }

  /**
   * Resolves with the first defined answer of `check`, re-evaluated at every commit to the event
   * store (PostgreSQL NOTIFY), or fails after `timeoutMs` saying what it waited for.
   */
  async until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
    return this.api.ctx.commits.until(check, { timeoutMs }, async () => {
      const last = await check();
      if (last !== undefined) return last;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    });
  }

  /** Waits for an event on the host's stream matching `match`, recorded after `after` (a position). */
  untilEvent(host: string, match: (e: RecordedRow) => boolean, timeoutMs: number, what: string, after = 0): Promise<RecordedRow> {
    return this.until(async () => (await this.events(host)).find((e) => e.position > after && match(e)), timeoutMs, what);
  }

  async lastPosition(host: string): Promise<number> {
    return (await this.events(host)).at(-1)?.position ?? 0;
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups.reverse()) await c().catch(() => undefined);
  }
}

export const ovsDatapathXml = (name: string, datapath: string, extra = '', controllers = ''): string =>
  `<network type="ovs-datapath"><name>${name}</name><datapath name="${datapath}"${extra}/>${controllers}</network>`;
