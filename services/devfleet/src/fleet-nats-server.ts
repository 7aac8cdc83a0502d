import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BusNames } from '@netfleet/bus/names';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { natsServerConfig, spawnNatsServer, type RunningNatsServer } from './nats-server-child';

/** Its `authConfigPath` is what the API gets as NETFLEET_NATS_AUTH_FILE. */
export interface FleetNatsServer extends RunningNatsServer {
  /** The HTTP monitoring endpoint (/jsz, /subsz, /connz). */
  monitorUrl: string;
  pid: number;
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
  await writeFile(config, natsServerConfig({ port, monitorPort, storeDir: join(dir, 'jetstream'), include: './netfleet-auth.conf' }));
  const log = join(dir, 'nats-server.log');
  const server = spawnNatsServer(config, log);
  const until = async (what: string, ok: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await ok())) {
      if (server.hasExited() || Date.now() > deadline) {
        throw new NetfleetError('NF_DEV_NATS', { outcome: server.hasExited() ? 'exited' : 'timed out', step: what, log });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await until('starting', () => server.isReady());
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitorPort}`,
    pid: server.pid,
    authConfigPath,
    reload: () => server.reload((reloaded) => until('reloading', reloaded)),
    stop: () => server.stop(5000),
  };
}
