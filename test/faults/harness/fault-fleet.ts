import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createDatabase, type Database } from '@netfleet/eventstore/database';
import type { HostView } from '@netfleet/fleet/fleet-view';
import { setUpOrStop } from '../../support/set-up-or-stop';
import { makeTestDir, testNamespace } from '../../support/test-names';
import { until } from '../../support/until';
import { AgentHost } from './agent-host';
import { ApiProcess } from './api-process';
import { NatsCluster } from './nats-cluster';
import { SharedAddress } from './netns';
import { OwnPostgres } from './own-postgres';

export interface FaultFleetOptions {
  hosts: number;
  /** Agents' heartbeat period; the API calls a host offline after 6 s without one. */
  heartbeatMs?: number;
}

/**
 * Everything the fault suite breaks, each a real process of its own: a 3-node NATS cluster
 * (streams replicated 3 ways), a PostgreSQL server, two API instances, and hosts whose agents
 * sit in network namespaces. `stop()` removes all of it, whatever state the faults left.
 */
export class FaultFleet {
  readonly apis: ApiProcess[] = [];
  readonly hosts: AgentHost[] = [];
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  cluster!: NatsCluster;
  postgres!: OwnPostgres;
  /** The suite's own connection to the store, for the checker (never the API's). */
  db!: Database;
  readonly namespace = testNamespace();
  readonly adminToken = `faults-${randomBytes(16).toString('hex')}`;
  logDir!: string;
  /** Leave the processes' logs behind at stop (a failed run, to read them). */
  keepLogs = false;
  /** Commands the suite itself published to the command stream (the double delivery). */
  commandsPublishedBySuite = 0;

  private constructor(private readonly options: FaultFleetOptions) {}

  static async start(options: FaultFleetOptions): Promise<FaultFleet> {
    const fleet = new FaultFleet(options);
    // Ctrl-C or a kill of the suite still removes what it made: namespaces, links, the loopback
    // address and a daemonised PostgreSQL would outlive it otherwise.
    const interrupted = (signal: NodeJS.Signals) => { void fleet.stop().finally(() => process.kill(process.pid, signal)); };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    fleet.cleanups.unshift(async () => { process.off('SIGINT', interrupted); process.off('SIGTERM', interrupted); });
    return setUpOrStop(fleet, () => fleet.setUp());
  }

  private async setUp(): Promise<void> {
    this.logDir = await makeTestDir('faults');
    this.cleanups.push(() => (this.keepLogs ? Promise.resolve() : rm(this.logDir, { recursive: true, force: true })));
    const shared = await SharedAddress.create();
    this.cleanups.push(() => shared.remove());
    this.cluster = await NatsCluster.start(shared.address);
    this.cleanups.push(() => this.cluster.stop());
    this.postgres = await OwnPostgres.start();
    this.cleanups.push(() => this.postgres.destroy());
    await this.postgres.createDatabase('netfleet');
    this.db = createDatabase(this.postgres.url('netfleet'), { applicationName: 'faults-checker' });
    this.cleanups.push(() => this.db.destroy());
    for (const name of ['api1', 'api2']) {
      const api = await ApiProcess.start({
        name, databaseUrl: this.postgres.url('netfleet'), natsUrls: this.cluster.urls, namespace: this.namespace,
        adminToken: this.adminToken, streamReplicas: 3, logDir: this.logDir,
      });
      this.apis.push(api);
      this.cleanups.push(() => api.stop());
    }
    const names = Array.from({ length: this.options.hosts }, (_, i) => `hv${i + 1}`);
    for (const name of names) {
      const answer = await this.apis[0]!.http('POST', '/v1/hosts', { name, labels: {} });
      if (answer.status >= 300) throw new Error(`registering ${name} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const subnetBase = randomBytes(1)[0]! % 200;
    for (const [i, name] of names.entries()) {
      const host = await AgentHost.start({
        name, natsUrls: this.cluster.urls, namespace: this.namespace, heartbeatMs: this.options.heartbeatMs ?? 500,
        logDir: this.logDir, subnet: 1 + subnetBase + i,
      });
      this.hosts.push(host);
      this.cleanups.push(() => host.stop());
    }
    await this.untilHostsOnline(names);
  }

  host(name: string): AgentHost {
    const found = this.hosts.find((h) => h.name === name);
    if (!found) throw new Error(`no host ${name}`);
    return found;
  }

  async hostViews(): Promise<Map<string, HostView>> {
    const rows = await this.db.selectFrom('host_view').select('doc').execute();
    return new Map(rows.map((r) => [(r.doc as HostView).name, r.doc as HostView]));
  }

  /** Waits (a short poll of the suite's own store connection) until every host named is online. */
  async untilHostsOnline(names: string[], timeoutMs = 90_000): Promise<void> {
    await until(async () => {
      const views = await this.hostViews().catch(() => new Map<string, HostView>());
      return names.every((n) => views.get(n)?.online === true);
    }, `hosts ${names.join(', ')} to be online`, { timeoutMs, pollMs: 250 });
  }

  async stop(): Promise<void> {
    for (const c of this.cleanups.splice(0).reverse()) await c().catch(() => undefined);
  }
}
