import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { withDatabase } from '@netfleet/eventstore/database-admin';
import { createLogger } from '@netfleet/log/logger';
import { refuseIfAlreadyRunning, stopOnceOnSignals } from './fleet-lifecycle';
import { startScaledFleet, type ScaledFleet } from './scaled-fleet';

const CHECKOUT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const DEV_DIR = join(CHECKOUT, '.netfleet', 'dev');
const FLEET_FILE = join(DEV_DIR, 'fleet.json');
const env = process.env;
const log = createLogger('devfleet');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    hosts: { type: 'string' },
    'agents-per-process': { type: 'string', default: '20' },
    'ready-timeout': { type: 'string', default: '300' },
    fresh: { type: 'boolean', default: false },
  },
  strict: true,
});
const count = Number(values.hosts);
const perProcess = Number(values['agents-per-process']);
if (!Number.isInteger(count) || count < 1 || count > 1000 || !Number.isInteger(perProcess) || perProcess < 1) {
  process.stderr.write('usage: npm run fleet -- --hosts N (1..1000) [--agents-per-process K (default 20)] [--ready-timeout SECONDS]\n');
  process.exit(2);
}

let fleet: ScaledFleet | undefined;
const stop = stopOnceOnSignals(async () => { await fleet?.stop(); }, FLEET_FILE);

try {
  refuseIfAlreadyRunning(FLEET_FILE);
  await mkdir(DEV_DIR, { recursive: true });
  const pgServer = env['NETFLEET_PG_URL'] ? withDatabase(env['NETFLEET_PG_URL'], 'postgres') : 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = Date.now();
  fleet = await startScaledFleet({
    hosts: count, agentsPerProcess: perProcess, dir: join(DEV_DIR, 'scaled'), pgServer,
    database: env['NETFLEET_DEV_DATABASE'] ?? 'netfleet_dev_scaled', checkout: CHECKOUT, log,
    apiPort: Number(env['NETFLEET_API_PORT'] ?? 8080), controllerPort: 6633, readyTimeoutMs: Number(values['ready-timeout']) * 1000,
    env: { NETFLEET_LOG_LEVEL: env['NETFLEET_LOG_LEVEL'] ?? 'info' },
    onProgress: (ready, total) => process.stderr.write(`\rhosts ready ${ready} / ${total}${ready === total ? '\n' : ''}`),
  });
  const { hosts, controller } = fleet;
  await writeFile(FLEET_FILE, `${JSON.stringify({
    apiUrl: fleet.apiUrl, token: fleet.token, database: fleet.database, namespace: fleet.namespace, natsUrl: fleet.natsUrl,
    natsMonitorUrl: fleet.natsMonitorUrl, devfleetPid: process.pid,
    controller: { target: controller.target, pids: controller.controllers().map((c) => c.pid) },
    hosts: hosts.map(({ name, labels, ovsDb, sandboxDir, pid, log: logFile, group }) => ({ name, labels, ovsDb, sandboxDir, pid, log: logFile, agentGroup: group })),
  }, null, 2)}\n`, { mode: 0o600 });
  process.stdout.write(`
netfleet dev fleet is up: ${hosts.length} hosts in ${((Date.now() - started) / 1000).toFixed(1)} s (Ctrl-C stops everything it started)

  API          ${fleet.apiUrl}   (token and coordinates in ${FLEET_FILE})
  NATS         ${fleet.natsUrl}, one login per host (monitoring ${fleet.natsMonitorUrl})
  controller   ${controller.target}: a pool of ovs-testcontroller, 16 switches each
  hosts        hv1..hv${hosts.length}, labels rack=r1..r10, zone=z1..z3; agents ${perProcess} per process
  logs         ${join(DEV_DIR, 'scaled', 'logs')}

Try:
  npx netfleet net-define examples/ofnet.xml --hosts zone=z1
  npx netfleet net-start ofnet --wait
`);
} catch (e) {
  log.fatal({ err: e }, isNetfleetError(e) ? e.message : 'the dev fleet failed to start');
  await stop(1);
}

