import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectBus, deleteStreams, DEFAULT_NATS_URL } from '@netfleet/bus/nats';
import { busNames } from '@netfleet/bus/names';
import { isNetfleetError, NetfleetError } from '@netfleet/errors/netfleet-error';
import { createDatabaseIfMissing, dropDatabase, withDatabase } from '@netfleet/eventstore/database-admin';
import { createLogger } from '@netfleet/log/logger';
import { startLibvirtSandbox, type LibvirtSandbox } from '@netfleet/ovs-sandbox/libvirt-sandbox';
import { startOvsSandbox, type OvsSandbox } from '@netfleet/ovs-sandbox/sandbox';
import { startTestController, type TestController } from '@netfleet/ovs-sandbox/test-controller';
import { execa } from 'execa';
import { refuseIfAlreadyRunning, stopOnceOnSignals } from './fleet-lifecycle';
import { SupervisedProcess } from './supervised-process';

const CHECKOUT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const STATE_DIR = join(CHECKOUT, '.netfleet', 'dev');
const FLEET_FILE = join(STATE_DIR, 'fleet.json');
const HOSTS = [
  { name: 'hv1', labels: { rack: 'a' } },
  { name: 'hv2', labels: { rack: 'a' } },
  { name: 'hv3', labels: { rack: 'b' } },
];
const CONTROLLER_PORT = 6633; // the RFC's default OpenFlow port
const env = process.env;
const fresh = process.argv.includes('--fresh');
const withLibvirt = process.argv.includes('--libvirt');
const apiPort = Number(env['NETFLEET_API_PORT'] ?? 8080);
const pgServer = env['NETFLEET_PG_URL'] ? withDatabase(env['NETFLEET_PG_URL'], 'postgres') : 'postgres://postgres@127.0.0.1:5432/postgres';
const database = env['NETFLEET_DEV_DATABASE'] ?? 'netfleet_dev';
const natsUrl = env['NETFLEET_NATS_URL'] ?? DEFAULT_NATS_URL;
const namespace = env['NETFLEET_NAMESPACE'] ?? 'netfleet';
const log = createLogger('devfleet');

const stops: (() => Promise<void>)[] = [];
const stopAll = stopOnceOnSignals(async () => {
  for (const stop of stops.reverse()) await stop().catch((e) => log.warn({ err: e }, 'a part did not stop cleanly'));
}, FLEET_FILE);

try {
  refuseIfAlreadyRunning(FLEET_FILE);
  if (fresh) {
    log.info('--fresh: forgetting the previous fleet (database, streams, OVS state)');
    await dropDatabase(pgServer, database);
    await rm(STATE_DIR, { recursive: true, force: true });
    const nc = await connectBus({ servers: natsUrl, name: 'netfleet-devfleet' });
    await deleteStreams(await jetstreamManager(nc), busNames(namespace));
    await nc.close();
  }
  await mkdir(join(STATE_DIR, 'logs'), { recursive: true });
  await createDatabaseIfMissing(pgServer, database);
  const token = await adminToken();

  const controller: TestController = await startTestController({ port: CONTROLLER_PORT, address: '127.0.0.1' }).catch((e) => {
    throw new NetfleetError('NF_DEV_CONTROLLER', { port: CONTROLLER_PORT, reason: (e as Error).message }, e);
  });
  stops.push(() => controller.stop());

  const sandboxes: OvsSandbox[] = [];
  for (const host of HOSTS) {
    const sandbox = await startOvsSandbox({ dir: join(STATE_DIR, host.name), name: host.name });
    sandboxes.push(sandbox);
    stops.push(() => sandbox.stop({ keepDir: true }));
  }
  // --libvirt: each host's own sandboxed libvirtd, driving that host's OVS sandbox.
  const libvirts: (LibvirtSandbox | undefined)[] = [];
  for (const [i, host] of HOSTS.entries()) {
    if (!withLibvirt) { libvirts.push(undefined); continue; }
    const libvirt = await startLibvirtSandbox({ dir: join(STATE_DIR, `${host.name}-libvirt`), ovsRunDir: sandboxes[i]!.dir });
    libvirts.push(libvirt);
    stops.push(() => libvirt.stop({ keepDir: true }));
  }
  if (withLibvirt) stops.push(mirrorBridgeDevices(sandboxes, libvirts));

  const tsx = ['--import', 'tsx'];
  const common = { NETFLEET_NATS_URL: natsUrl, NETFLEET_NAMESPACE: namespace, NETFLEET_LOG_LEVEL: env['NETFLEET_LOG_LEVEL'] ?? 'info' };
  const api = new SupervisedProcess({
    name: 'api', command: process.execPath, args: [...tsx, join(CHECKOUT, 'services/api/src/main.ts')], restart: true, log,
    logFile: join(STATE_DIR, 'logs', 'api.log'),
    env: { ...common, NETFLEET_PG_URL: withDatabase(pgServer, database), NETFLEET_API_PORT: String(apiPort), NETFLEET_ADMIN_TOKEN: token },
  });
  api.start();
  stops.push(() => api.stop());
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitForApi(apiUrl, join(STATE_DIR, 'logs', 'api.log'));

  await registerHosts(apiUrl, token);

  const fleet = {
    apiUrl, token, database, namespace, natsUrl, devfleetPid: process.pid,
    controller: { target: controller.target, pid: controller.pid },
    hosts: HOSTS.map((h, i) => ({
      name: h.name, labels: h.labels, ovsDb: sandboxes[i]!.db, sandboxDir: sandboxes[i]!.dir, pid: 0, log: join(STATE_DIR, 'logs', `agent-${h.name}.log`),
      ...(libvirts[i] ? { libvirtUri: libvirts[i]!.uri } : {}),
    })),
  };
  const writeFleet = () => writeFile(FLEET_FILE, `${JSON.stringify(fleet, null, 2)}\n`);
  const agents = HOSTS.map((h, i) => new SupervisedProcess({
    name: `agent-${h.name}`, command: process.execPath, args: [...tsx, join(CHECKOUT, 'services/agent/src/main.ts')], restart: true, log,
    logFile: fleet.hosts[i]!.log,
    env: { ...common, NETFLEET_HOST: h.name, NETFLEET_OVS_DB: sandboxes[i]!.db, ...(libvirts[i] ? { NETFLEET_LIBVIRT_URI: libvirts[i]!.uri } : {}) },
    onStart: (pid) => {
      fleet.hosts[i]!.pid = pid;
      if (started) void writeFleet().then(() => log.info({ host: h.name, pid }, 'agent (re)started; fleet.json updated'));
    },
  }));
  let started = false;
  for (const agent of agents) { agent.start(); stops.push(() => agent.stop()); }
  await writeFleet();
  started = true;
  printUsage(fleet);
} catch (e) {
  log.fatal({ err: e }, isNetfleetError(e) ? e.message : 'the dev fleet failed to start');
  await stopAll(1);
}

/**
 * libvirt 9 reads a bridge's MTU from the kernel when it plugs a VM in; the OVS sandboxes have no
 * kernel devices, so each bridge gets a stand-in device in its host's libvirtd namespace, checked
 * every 2 s (a dev tool's convenience; the tests add theirs directly). Returns its stop.
 */
function mirrorBridgeDevices(sandboxes: OvsSandbox[], libvirts: (LibvirtSandbox | undefined)[]): () => Promise<void> {
  const made = sandboxes.map(() => new Set<string>());
  const tick = async () => {
    for (const [i, sandbox] of sandboxes.entries()) {
      const libvirt = libvirts[i];
      if (!libvirt) continue;
      const listed = await execa('ovs-vsctl', ['--timeout=5', `--db=${sandbox.db}`, 'list-br'], { reject: false });
      for (const bridge of String(listed.stdout).split('\n').filter(Boolean)) {
        if (made[i]!.has(bridge)) continue;
        await libvirt.addBridgeDevice(bridge).then(() => made[i]!.add(bridge), (e) => log.warn({ err: e, bridge }, 'could not mirror a bridge into libvirt\'s namespace'));
      }
    }
  };
  const timer = setInterval(() => { void tick(); }, 2000);
  return async () => clearInterval(timer);
}

async function adminToken(): Promise<string> {
  const file = join(STATE_DIR, 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const token = `nf_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Waits for /healthz, event-driven enough for a one-off start: a short retry until a deadline. */
async function waitForApi(url: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new NetfleetError('NF_DEV_API_DOWN', { url, seconds: 60, log: logFile });
}

/** Registers hv1..hv3 with their labels, unless they already are (a restart keeps history quiet). */
async function registerHosts(apiUrl: string, token: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const listed = await fetch(`${apiUrl}/v1/hosts`, { headers });
  if (!listed.ok) throw new NetfleetError('NF_DEV_REGISTER', { step: 'list hosts', answer: await listed.text() });
  const known = (await listed.json()) as { hosts: { name: string; registered: boolean; labels: Record<string, string> }[] };
  for (const host of HOSTS) {
    const current = known.hosts.find((h) => h.name === host.name);
    if (current?.registered && JSON.stringify(current.labels) === JSON.stringify(host.labels)) continue;
    const response = await fetch(`${apiUrl}/v1/hosts`, { method: 'POST', headers, body: JSON.stringify({ name: host.name, labels: host.labels }) });
    if (!response.ok) throw new NetfleetError('NF_DEV_REGISTER', { step: `register ${host.name}`, answer: await response.text() });
  }
}

function printUsage(fleet: { apiUrl: string; hosts: { name: string; ovsDb: string; libvirtUri?: string }[]; controller: { target: string } }): void {
  process.stdout.write(`
netfleet dev fleet is up (Ctrl-C stops everything it started)

  API          ${fleet.apiUrl}   (token and coordinates in ${FLEET_FILE})
  dashboard    ${fleet.apiUrl}/   (log in with the token from fleet.json)
  controller   ovs-testcontroller at ${fleet.controller.target}
${fleet.hosts.map((h) => `  ${h.name.padEnd(12)} agent on OVS ${h.ovsDb}${h.libvirtUri ? `, libvirt ${h.libvirtUri}` : ''}`).join('\n')}
  logs         ${join(STATE_DIR, 'logs')}

Try:
  npx netfleet net-define examples/ofnet.xml --host hv1 --host hv2
  npx netfleet net-start ofnet --wait
  npx netfleet net-list
  ovs-vsctl --db=${fleet.hosts[0]!.ovsDb} show
  npx netfleet net-destroy ofnet --wait && npx netfleet net-undefine ofnet
`);
}
