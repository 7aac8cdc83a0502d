import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ApiServer, ApiServerConfig } from '@netfleet/api/api-server';
import { connectBus, type NatsConnection } from '@netfleet/bus/nats';
import type { BusNames } from '@netfleet/bus/names';
import { silentLogger } from '@netfleet/log/logger';
import { startAgent, type Agent, type AgentConfig } from '@netfleet/agent/agent';
import { createVsctl } from '@netfleet/agent/ovs/vsctl';
import type { OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import type { LibvirtSandbox } from '@netfleet/ovs-sandbox/libvirt-sandbox';
import type { TestController } from '@netfleet/ovs-sandbox/test-controller';
import { startTestApi, type HttpAnswer, type HttpOptions, type TestApi } from './test-api';
import { listenForCommits, type CommitListener } from './commit-listener';
import { setUpOrStop } from './set-up-or-stop';
import { createTestNamespace } from './test-namespace';
import { startControllerOnFreePort, startTestLibvirt, startTestSandbox } from './test-ovs';
import { createTestDatabase, type TestDatabase } from './test-database';
import { NATS_URL } from './test-servers';
import { until } from './until';

const AGENT_MAIN = fileURLToPath(new URL('../../services/agent/src/main.ts', import.meta.url));

export { NATS_URL };

/** One row of the events table, as the fleet's helpers read it. */
export interface RecordedRow { stream_id: string; type: string; data: Record<string, unknown>; position: number }

export interface TestHost {
  name: string;
  sandbox: OvsSandbox;
  /** `ovs-vsctl --timeout=10 --db=<this host> ...args` → trimmed stdout */
  vsctl(...args: string[]): Promise<string>;
  /** The host's sandboxed libvirtd (fleets started with `libvirt: true`); its agent drives it. */
  libvirt: LibvirtSandbox | undefined;
  /** The agent in this process, if started with startAgent. */
  agent: Agent | undefined;
  /** The agent as its own process, if started with spawnAgent. */
  process: ChildProcess | undefined;
  /** This host's agent connection to NATS (in-process agents). */
  nc: NatsConnection | undefined;
}

/** Heartbeats every 300 ms, offline after 2.5 s of silence: for tests about liveness. */
export const FAST_LIVENESS = { heartbeatMs: 300, liveness: { offlineAfterMs: 2500, checkIntervalMs: 200 } } as const;

export interface TestFleetOptions {
  /** Host names, registered as an admin's host-add would (placements may name only known hosts). Default hv1..hv3. */
  hosts?: string[];
  labels?: Record<string, Record<string, string>>;
  /** Start an in-process agent on every host at once (default true); otherwise the test starts them. */
  startAgents?: boolean;
  /** A real OpenFlow controller (ovs-testcontroller) on a free port (default false). */
  controller?: boolean;
  /** The agents' heartbeat period (default: the agent's own, 2 s). */
  heartbeatMs?: number;
  /** The API's liveness tuning (default: the API's own). */
  liveness?: ApiServerConfig['liveness'];
  /** A nats-server of the test's own for the API and the agents (one it stops); default the shared one. */
  natsUrl?: string;
  /** A sandboxed libvirtd per host (shared/ovs-sandbox libvirt-sandbox), its URI given to the host's agent. */
  libvirt?: boolean;
}

export type ApplyAnswer = { hosts: { host: string; outcome: string; error?: string; warnings: string[] }[] };

/**
 * A whole fleet of the test's own: a database (template copy), a NATS namespace (streams
 * removed after), one OVS sandbox per host, the API on a free port, and agents — in this process
 * (`startAgent`) or as real processes (`spawnAgent`, as systemd runs them, so they can be
 * kill -9'd) — optionally a real OpenFlow controller. Everything is real.
 */
export class TestFleet {
  readonly hosts: TestHost[] = [];
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private commits!: CommitListener;
  database!: TestDatabase;
  names!: BusNames;
  testApi!: TestApi;
  private ownController: TestController | undefined;

  private constructor(private readonly options: TestFleetOptions) {}

  get natsUrl(): string { return this.options.natsUrl ?? NATS_URL; }

  static async start(options: TestFleetOptions = {}): Promise<TestFleet> {
    const fleet = new TestFleet(options);
    return setUpOrStop(fleet, () => fleet.setUp());
  }

  private async setUp(): Promise<void> {
    const { hosts = ['hv1', 'hv2', 'hv3'], labels = {} } = this.options;
    this.database = await createTestDatabase();
    this.cleanups.push(() => this.database.drop());
    const namespace = createTestNamespace();
    this.names = namespace.names;
    this.cleanups.push(() => namespace.remove());
    this.commits = await listenForCommits(this.database.url);
    this.cleanups.push(() => this.commits.close());
    if (this.options.controller) {
      const controller = await startControllerOnFreePort();
      this.ownController = controller;
      this.cleanups.push(() => controller.stop());
    }
    this.testApi = await startTestApi(this.database, this.names, {
      ...(this.options.liveness !== undefined ? { liveness: this.options.liveness } : {}), natsUrl: this.natsUrl,
    });
    this.cleanups.push(() => this.testApi.close());
    for (const name of hosts) {
      const registered = await this.http('POST', '/v1/hosts', { name, labels: labels[name] ?? {} });
      if (registered.status >= 300) throw new Error(`registering ${name} failed: ${JSON.stringify(registered.body)}`);
    }
    for (const name of hosts) {
      const sandbox = await startTestSandbox(name);
      this.cleanups.push(() => sandbox.stop());
      const libvirt = this.options.libvirt ? await startTestLibvirt(name, sandbox) : undefined;
      if (libvirt) this.cleanups.push(() => libvirt.stop());
      this.hosts.push({
        name, sandbox, libvirt, agent: undefined, process: undefined, nc: undefined,
        vsctl: async (...args) => (await execa('ovs-vsctl', ['--timeout=10', `--db=${sandbox.db}`, ...args])).stdout.trim(),
      });
    }
    this.cleanups.push(async () => { for (const h of this.hosts) await this.stopAgent(h.name); });
    if (this.options.startAgents !== false) for (const h of this.hosts) await this.startAgent(h.name);
  }

  get api(): ApiServer { return this.testApi.server; }
  get apiUrl(): string { return this.testApi.url; }
  /** alice's (admin) token. */
  get token(): string { return this.testApi.token; }
  get controller(): TestController {
    if (!this.ownController) throw new Error('this fleet has no controller: start it with { controller: true }');
    return this.ownController;
  }

  host(name: string): TestHost {
    const found = this.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`no test host ${name}`);
    return found;
  }

  /** Starts (or restarts) the host's agent in this process; `options` tune its resync and OVS session. */
  async startAgent(name: string, options: Pick<AgentConfig, 'resyncIntervalMs' | 'monitorDb' | 'ovsDriver' | 'libvirtUri'> = {}): Promise<void> {
    const h = this.host(name);
    await this.stopAgent(name);
    if (!h.nc) {
      const nc = await connectBus({ servers: this.natsUrl, name: `test-agent-${name}`, inboxPrefix: `_INBOX_${name}` });
      h.nc = nc;
      this.cleanups.push(() => nc.close());
    }
    h.agent = await startAgent({
      host: name, nc: h.nc, names: this.names, vsctl: createVsctl({ db: h.sandbox.db }), log: silentLogger(),
      ...(h.libvirt ? { libvirtUri: h.libvirt.uri } : {}),
      ...(this.options.heartbeatMs !== undefined ? { heartbeatIntervalMs: this.options.heartbeatMs } : {}),
      ...options,
    });
  }

  /** The agent as its own process (`node --import tsx services/agent/src/main.ts`); returns once spawned. */
  spawnAgent(name: string, extraEnv: Record<string, string> = {}): ChildProcess {
    const h = this.host(name);
    const child = spawn(process.execPath, ['--import', 'tsx', AGENT_MAIN], {
      env: {
        ...process.env, NETFLEET_HOST: name, NETFLEET_OVS_DB: h.sandbox.db, NETFLEET_NATS_URL: this.natsUrl, NETFLEET_NAMESPACE: this.names.namespace,
        ...(h.libvirt ? { NETFLEET_LIBVIRT_URI: h.libvirt.uri } : {}),
        NETFLEET_LOG_LEVEL: 'warn', ...(this.options.heartbeatMs !== undefined ? { NETFLEET_HEARTBEAT_MS: String(this.options.heartbeatMs) } : {}), ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.resume();
    h.process = child;
    return child;
  }

  /** Stops the host's agent, whichever kind (a process is killed with SIGKILL). */
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

  /** The API as alice (admin), through inject. */
  http<T = Record<string, unknown>>(method: string, path: string, body?: unknown, options: Omit<HttpOptions, 'body'> = {}): Promise<HttpAnswer<T>> {
    return this.testApi.http<T>(method, path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  /** Defines the network on `hosts` and starts it, waiting (by default) for every host's outcome. */
  async defineAndStart(xml: string, hosts: string[], wait = true): Promise<ApplyAnswer> {
    const defined = await this.http('POST', '/v1/networks', { xml, hosts });
    if (defined.status >= 300) throw new Error(`define failed: ${JSON.stringify(defined.body)}`);
    const name = /<name>([^<]+)<\/name>/.exec(xml)![1]!;
    const started = await this.http<ApplyAnswer>('POST', `/v1/networks/${name}/start${wait ? '?wait=true&timeout=30' : ''}`);
    if (started.status >= 300) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
    return started.body;
  }

  /** The host's stream (`host:<name>`), in order. */
  async events(host: string): Promise<RecordedRow[]> {
    const rows = await this.database.db.selectFrom('events').select(['stream_id', 'type', 'data', 'position'])
      .where('stream_id', '=', `host:${host}`).orderBy('position').execute();
    return rows.map((r) => ({ ...r, data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>, position: Number(r.position) }));
  }

  /** `until` woken at every commit to the fleet's event store (PostgreSQL NOTIFY). */
  until<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
    return until(check, what, { timeoutMs, wake: this.commits.wake });
  }

  /** Waits for an event on the host's stream matching `match`, recorded after `after` (a position). */
  untilEvent(host: string, match: (e: RecordedRow) => boolean, timeoutMs: number, what: string, after = 0): Promise<RecordedRow> {
    return this.until(async () => (await this.events(host)).find((e) => e.position > after && match(e)), timeoutMs, what);
  }

  async lastPosition(host: string): Promise<number> {
    return (await this.events(host)).at(-1)?.position ?? 0;
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups.splice(0).reverse()) await c().catch(() => undefined);
  }
}

/** A fleet outside a fixture (a test that starts it beside something else). */
export const startTestFleet = (options: TestFleetOptions = {}): Promise<TestFleet> => TestFleet.start(options);

/** An ovs-datapath network: `<datapath name=… ${extra}/>` then `controllers`. */
export const ovsDatapathXml = (name: string, datapath: string, extra = '', controllers = ''): string =>
  `<network type="ovs-datapath"><name>${name}</name><datapath name="${datapath}"${extra}/>${controllers}</network>`;
