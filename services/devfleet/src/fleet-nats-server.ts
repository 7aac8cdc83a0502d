import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { BusNames } from '@netfleet/bus/names';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { freePort } from '@netfleet/ovs-sandbox/free-port';

const NATS_SERVER = process.env['NETFLEET_NATS_SERVER'] ?? '/usr/sbin/nats-server';

export interface FleetNatsServer {
  url: string;
  /** The HTTP monitoring endpoint (/jsz, /subsz, /connz). */
  monitorUrl: string;
  pid: number;
  /** The auth include the API rewrites on host-add (NETFLEET_NATS_AUTH_FILE). */
  authConfigPath: string;
  /** SIGHUP; resolves once the server logged the reload. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The scaled fleet's own nats-server, laid out as deploy/nats/ is (JetStream, an auth include
 * that only the API user is in at first), so every agent logs in with the credentials host-add
 * issued and is held to its own subjects. Loopback only, on free ports, state under `dir`.
 */
export async function startFleetNatsServer(dir: string, names: BusNames, api: { user: string; passwordHash: string }): Promise<FleetNatsServer> {
  const authConfigPath = join(dir, 'netfleet-auth.conf');
  await writeNatsAuthConfig(authConfigPath, { names, api, hosts: [] });
  const [port, monitorPort] = [await freePort(), await freePort()];
  const config = join(dir, 'nats-server.conf');
  await writeFile(config, [
    `listen: "127.0.0.1:${port}"`,
    `http: "127.0.0.1:${monitorPort}"`,
    `jetstream { store_dir: "${join(dir, 'jetstream')}" }`,
    'include ./netfleet-auth.conf',
    '',
  ].join('\n'));
  const log = join(dir, 'nats-server.log');
  const child: ResultPromise = execa(NATS_SERVER, ['-c', config, '-l', log], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true, forceKillAfterDelay: false });
  let exited = false;
  const done = child.then(() => { exited = true; });
  const logged = async (pattern: RegExp) => ((await readFile(log, 'utf8').catch(() => '')).match(pattern) ?? []).length;
  const until = async (what: string, ok: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await ok())) {
      if (exited || Date.now() > deadline) {
        throw new NetfleetError('NF_DEV_NATS', { outcome: exited ? 'exited' : 'timed out', step: what, log });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await until('starting', async () => (await logged(/Server is ready/g)) > 0);
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    }
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    pid: child.pid!,
    authConfigPath,
    async reload() {
      const before = await logged(/Reloaded server configuration/g);
      child.kill('SIGHUP');
      await until('reloading', async () => (await logged(/Reloaded server configuration/g)) > before);
    },
    stop,
  };
}
