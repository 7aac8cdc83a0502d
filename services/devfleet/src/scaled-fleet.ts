import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { busNames } from '@netfleet/bus/names';
import { generateHostPassword, hashPassword } from '@netfleet/bus/credentials/host-password';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import type { Logger } from '@netfleet/log/logger';
import { startControllerPool, type ControllerPool } from '@netfleet/ovs-sandbox/controller-pool';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import type { AgentGroupSpec } from './agent-group-spec';
import { startFleetNatsServer, type FleetNatsServer } from './fleet-nats-server';
import { fleetLabels } from './fleet-labels';
import { SupervisedProcess } from './supervised-process';

export interface ScaledFleetOptions {
  hosts: number;
  /** State (sandboxes, NATS store, logs, agent specs); emptied first, removed by stop(). Keep it short: unix socket paths. */
  dir: string;
  /** PostgreSQL server URL (any database); the fleet's own database is made beside it. */
  pgServer: string;
  database: string;
  /** The API's port (0: a free one) and the controller pool's (0: a free one). */
  apiPort: number;
  controllerPort: number;
  /** Agents per Node process (each keeps its own identity, NATS login, consumer and OVS session). */
  agentsPerProcess: number;
  /** The last this many hosts run their agent in a process of its own (a test can SIGSTOP one host). */
  soloAgents?: number;
  /** The repository checkout, to find the API's and agent group's entry points. */
  checkout: string;
  log: Logger;
  heartbeatIntervalMs?: number;
  readyTimeoutMs?: number;
  /** Called as hosts come online (their agent reported AgentStarted). */
  onProgress?: (ready: number, total: number) => void;
  /** Extra node arguments for the API process (e.g. `--cpu-prof`, `--cpu-prof-dir=…` to profile it). */
  apiNodeArgs?: string[];
  /** Extra node arguments for every agent group process (e.g. `--cpu-prof`, to profile them). */
  agentNodeArgs?: string[];
  /** Environment for the API and agents (log level, …). */
  env?: Record<string, string>;
}

export interface ScaledFleetHost {
  name: string;
  labels: Record<string, string>;
  ovsDb: string;
  sandboxDir: string;
  /** The agent group's process (several agents share it). */
  pid: number;
  group: string;
  log: string;
  ovsPids: { ovsdbServer: number; ovsVswitchd: number };
}

export interface ScaledFleet {
  apiUrl: string;
  token: string;
  database: string;
  databaseUrl: string;
  namespace: string;
  natsUrl: string;
  natsMonitorUrl: string;
  controller: ControllerPool;
  hosts: ScaledFleetHost[];
  pids: { api: number | undefined; nats: number; agentGroups: (number | undefined)[] };
  stop(): Promise<void>;
}

/** Runs `fn` over `items`, at most `width` at once. */
async function inParallel<T>(items: T[], width: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) { const i = next++; await fn(items[i]!, i); }
  }));
}

/**
 * `npm run fleet -- --hosts N`: N simulated hosts, each with its own OVS sandbox, agent
 * identity, NATS login (from host-add, on a nats-server of the fleet's own that enforces it) and
 * durable consumer, labelled over racks and zones; one API process; an OpenFlow controller pool
 * that serves every datapath. Agents share Node processes, `agentsPerProcess` each.
 */
export async function startScaledFleet(options: ScaledFleetOptions): Promise<ScaledFleet> {
  const { log, dir } = options;
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log.warn({ err: e }, 'a part of the fleet did not stop cleanly'));
    stops.length = 0;
  };
  try {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'logs'), { recursive: true });
    stops.push(() => rm(dir, { recursive: true, force: true }));

    await dropDatabase(options.pgServer, options.database);
    await createDatabaseIfMissing(options.pgServer, options.database);
    stops.push(() => dropDatabase(options.pgServer, options.database));

    const names = busNames('netfleet');
    const apiNats = { user: 'netfleet-api', password: generateHostPassword() };
    const apiPasswordHash = await hashPassword(apiNats.password);
    await mkdir(join(dir, 'nats'));
    const nats: FleetNatsServer = await startFleetNatsServer(join(dir, 'nats'), names, { user: apiNats.user, passwordHash: apiPasswordHash });
    stops.push(() => nats.stop());

    const controller = await startControllerPool({ port: options.controllerPort });
    stops.push(() => controller.stop());

    const token = `nf_${randomBytes(24).toString('base64url')}`;
    const apiPort = options.apiPort || (await freePort());
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const databaseUrl = withDatabase(options.pgServer, options.database);
    const tsx = ['--import', 'tsx'];
    const env = options.env ?? {};
    const api = new SupervisedProcess({
      name: 'api', command: process.execPath, args: [...(options.apiNodeArgs ?? []), ...tsx, join(options.checkout, 'services/api/src/main.ts')], restart: true, log,
      logFile: join(dir, 'logs', 'api.log'),
      env: {
        ...env, NETFLEET_PG_URL: databaseUrl, NETFLEET_API_PORT: String(apiPort), NETFLEET_ADMIN_TOKEN: token,
        NETFLEET_NATS_URL: nats.url, NETFLEET_NAMESPACE: names.namespace,
        NETFLEET_NATS_USER: apiNats.user, NETFLEET_NATS_PASSWORD: apiNats.password,
        NETFLEET_NATS_AUTH_FILE: nats.authConfigPath, NETFLEET_NATS_API_PASSWORD_HASH: apiPasswordHash,
      },
    });
    api.start();
    stops.push(() => api.stop());

    const hostNames = Array.from({ length: options.hosts }, (_, i) => `hv${i + 1}`);
    const sandboxes: OvsSandbox[] = [];
    const startSandboxes = inParallel(hostNames, 4, async (name, i) => {
      const sandbox = await startOvsSandbox({ dir: join(dir, name), name });
      sandboxes[i] = sandbox;
      stops.push(() => sandbox.stop());
    });
    await waitForApi(apiUrl, join(dir, 'logs', 'api.log'), Math.max(60_000, options.readyTimeoutMs ?? 120_000));
    const credentials: AgentGroupSpec['agents'][number]['nats'][] = [];
    await inParallel(hostNames, 4, async (name, i) => {
      const response = await fetch(`${apiUrl}/v1/hosts`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, labels: fleetLabels(i) }),
      });
      const body = (await response.json()) as { nats?: { user: string; password: string; inboxPrefix: string } };
      if (!response.ok || !body.nats) throw new NetfleetError('NF_DEV_REGISTER', { step: `register ${name}`, answer: JSON.stringify(body) });
      credentials[i] = body.nats;
    });
    await nats.reload(); // the API rewrote the auth include with every host's user
    await startSandboxes;

    const hosts: ScaledFleetHost[] = hostNames.map((name, i) => ({
      name, labels: fleetLabels(i), ovsDb: sandboxes[i]!.db, sandboxDir: sandboxes[i]!.dir, pid: 0,
      group: i >= options.hosts - (options.soloAgents ?? 0) ? `solo-${name}` : `agents${Math.floor(i / options.agentsPerProcess) + 1}`,
      log: '', ovsPids: sandboxes[i]!.pids(),
    }));
    const groups = [...new Set(hosts.map((h) => h.group))];
    const agentGroups = await Promise.all(groups.map(async (group) => {
      const members = hosts.filter((h) => h.group === group);
      const spec: AgentGroupSpec = {
        group, natsUrl: nats.url, namespace: names.namespace,
        ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
        agents: members.map((h) => ({ name: h.name, ovsDb: h.ovsDb, nats: credentials[hostNames.indexOf(h.name)]! })),
      };
      const specFile = join(dir, `${group}.json`);
      await writeFile(specFile, JSON.stringify(spec), { mode: 0o600 });
      const logFile = join(dir, 'logs', `${group}.log`);
      for (const h of members) h.log = logFile;
      const process_ = new SupervisedProcess({
        name: group, command: process.execPath, args: [...(options.agentNodeArgs ?? []), ...tsx, join(options.checkout, 'services/devfleet/src/agent-group-main.ts'), specFile],
        restart: true, log, logFile, env,
        onStart: (pid) => { for (const h of members) h.pid = pid; },
      });
      process_.start();
      stops.push(() => process_.stop());
      return process_;
    }));

    await waitForHostsOnline(apiUrl, token, options.hosts, options.readyTimeoutMs ?? 120_000, options.onProgress, dir);
    return {
      apiUrl, token, database: options.database, databaseUrl, namespace: names.namespace, natsUrl: nats.url, natsMonitorUrl: nats.monitorUrl,
      controller, hosts,
      pids: { api: api.pid, nats: nats.pid, agentGroups: agentGroups.map((g) => g.pid) },
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function waitForApi(url: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new NetfleetError('NF_DEV_API_DOWN', { url, seconds: Math.round(timeoutMs / 1000), log: logFile });
}

/** A one-off start-up: reads the host list twice a second until every agent has reported AgentStarted. */
async function waitForHostsOnline(apiUrl: string, token: string, total: number, timeoutMs: number, onProgress: ((ready: number, total: number) => void) | undefined, dir: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const response = await fetch(`${apiUrl}/v1/hosts`, { headers: { authorization: `Bearer ${token}` } });
    const { hosts } = (await response.json()) as { hosts: { online: boolean; agentVersion: string | null }[] };
    const ready = hosts.filter((h) => h.online && h.agentVersion !== null).length;
    if (ready !== last) { onProgress?.(ready, total); last = ready; }
    if (ready >= total) return;
    if (Date.now() > deadline) {
      throw new NetfleetError('NF_DEV_HOSTS_NOT_READY', { ready, total, seconds: Math.round(timeoutMs / 1000), logs: join(dir, 'logs') });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
