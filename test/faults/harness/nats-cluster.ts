import { copyFile, writeFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '@netfleet/bus/nats';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { makeTestDir } from '../../support/test-names';
import { until } from '../../support/until';
import { untilLogged } from './process-log';

/** The production node configuration: every node runs it unchanged. */
const NODE_CONFIG = fileURLToPath(new URL('../../../deploy/nats/cluster/nats-cluster-node.conf', import.meta.url));
const NATS_SERVER = process.env['NETFLEET_NATS_SERVER'] ?? '/usr/sbin/nats-server';

export interface ClusterNode {
  name: string;
  /** Client URL. */
  url: string;
  running: boolean;
}

/**
 * A 3-node NATS cluster with JetStream, each node a nats-server process started from
 * deploy/nats/cluster/nats-cluster-node.conf with its own store directory, client and cluster
 * ports; the cluster's routes on loopback. Nodes can be killed (-9) and started again on the same
 * ports and store, as a crashed server restarted by systemd would be.
 */
export class NatsCluster {
  readonly nodes: ClusterNode[] = [];
  private readonly children = new Map<string, ResultPromise>();
  private readonly env = new Map<string, Record<string, string>>();

  private constructor(readonly dir: string, private readonly clientHost: string) {}

  /** `clientHost`: the address clients connect to (127.0.0.1, or one agents in network namespaces reach). */
  static async start(clientHost = '127.0.0.1', size = 3): Promise<NatsCluster> {
    const cluster = new NatsCluster(await makeTestDir('natscluster'), clientHost);
    try {
      await cluster.setUp(size);
      return cluster;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  private get config(): string { return join(this.dir, 'nats-cluster-node.conf'); }

  /** Every node's client URL, comma-separated, as NETFLEET_NATS_URL takes them. */
  get urls(): string { return this.nodes.map((n) => n.url).join(','); }

  private async setUp(size: number): Promise<void> {
    // The node configuration as shipped, byte for byte, beside the include it names (resolved
    // relative to the configuration's directory): no logins here (test/integration/bus covers them).
    await copyFile(NODE_CONFIG, this.config);
    await writeFile(join(this.dir, 'netfleet-auth.conf'), '# the fault suite runs without NATS logins\n');
    const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort() })));
    ports.forEach((p, i) => {
      const name = `n${i + 1}`;
      const routes = ports.filter((_, j) => j !== i).map((o) => `nats://127.0.0.1:${o.cluster}`);
      this.env.set(name, {
        NATS_SERVER_NAME: name, NATS_LISTEN: `${this.clientHost}:${p.client}`, NATS_CLUSTER_LISTEN: `127.0.0.1:${p.cluster}`,
        NATS_ROUTE_A: routes[0] ?? '', NATS_ROUTE_B: routes[1] ?? '', NATS_STORE_DIR: join(this.dir, name),
      });
      this.nodes.push({ name, url: `nats://${this.clientHost}:${p.client}`, running: false });
    });
    await Promise.all(this.nodes.map((n) => this.startNode(n.name)));
    await this.untilJetStreamReady();
  }

  node(name: string): ClusterNode {
    const found = this.nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no NATS node ${name}`);
    return found;
  }

  /** Starts (or restarts) a node on its ports and store; resolves once it logged that it is ready. */
  async startNode(name: string): Promise<void> {
    const node = this.node(name);
    const env = this.env.get(name)!;
    await mkdir(env['NATS_STORE_DIR']!, { recursive: true });
    const log = join(this.dir, `${name}.log`);
    const child = execa(NATS_SERVER, ['-c', this.config, '-l', log], {
      env: { ...process.env, ...env }, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true, forceKillAfterDelay: false,
    });
    let exited = false;
    void child.then(() => { exited = true; node.running = false; });
    this.children.set(name, child);
    node.running = true;
    await untilLogged(log, 'Server is ready', `NATS node ${name} to be ready`, () => exited);
  }

  /** kill -9 of one node; resolves once it is gone. */
  async killNode(name: string): Promise<void> {
    const child = this.children.get(name);
    if (!child) return;
    this.children.delete(name);
    child.kill('SIGKILL');
    await child;
    this.node(name).running = false;
  }

  /** The node leading `stream`'s Raft group (asked of any running node). */
  async streamLeader(stream: string): Promise<string> {
    return this.withManager(async (jsm) => {
      const leader = (await jsm.streams.info(stream)).cluster?.leader;
      if (!leader) throw new Error(`stream ${stream} has no leader`);
      return leader;
    });
  }

  /** How many messages `stream` ever stored (its last sequence): a work queue forgets them once acked. */
  async storedEver(stream: string): Promise<number> {
    return this.withManager(async (jsm) => (await jsm.streams.info(stream)).state.last_seq);
  }

  /** Waits until `stream` has a leader and every replica is current (after a node came back). */
  async untilStreamHealthy(stream: string, timeoutMs = 60_000): Promise<void> {
    await until(() => this.withManager(async (jsm) => {
      const cluster = (await jsm.streams.info(stream)).cluster;
      return Boolean(cluster?.leader) && (cluster?.replicas ?? []).every((r) => r.current && !r.offline);
    }).catch(() => false), `stream ${stream} to have a leader and current replicas`, { timeoutMs, pollMs: 200 });
  }

  private async untilJetStreamReady(): Promise<void> {
    await until(() => this.withManager(async (jsm) => { await jsm.getAccountInfo(); return true; }).catch(() => false),
      'the NATS cluster to elect a JetStream meta leader', { timeoutMs: 60_000, pollMs: 200 });
  }

  private async withManager<T>(use: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
    const nc = await connectBus({ servers: this.nodes.filter((n) => n.running).map((n) => n.url).join(','), name: 'faults-cluster-probe' });
    try {
      return await use(await jetstreamManager(nc));
    } finally {
      await nc.close();
    }
  }

  async stop(): Promise<void> {
    for (const name of [...this.children.keys()]) await this.killNode(name);
    await rm(this.dir, { recursive: true, force: true });
  }
}
