import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import type { NatsAuthConfigInput } from '@netfleet/bus/credentials/nats-auth-config';
import { natsServerConfig, spawnNatsServer, type NatsServerChild, type RunningNatsServer } from '@netfleet/devfleet/nats-server-child';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { makeTestDir } from './test-names';
import { until } from './until';

export interface NatsTestServer extends RunningNatsServer {
  port: number;
  dir: string;
  /** Ends the server (SIGTERM, SIGKILL after 3 s) and removes its directory. */
  stop(): Promise<void>;
  /** An outage: ends the server but keeps its port, config and JetStream store for `resume()`. */
  halt(): Promise<void>;
  /** Starts a halted server again, on the same port with the same streams. */
  resume(): Promise<void>;
}

const STOP_GRACE_MS = 3_000;

/** A server without authorization (as the shared one is): no auth include to rewrite. */
export type OpenNatsTestServer = Omit<NatsTestServer, 'authConfigPath'>;

/**
 * A nats-server of the test's own, laid out as deploy/nats/ is: a main config with JetStream in a
 * temp store dir that includes the auth file netfleet writes (without `auth`: an open server, as
 * the shared one is). It runs as a child of this process (execa kills it if the process dies
 * first) on a free loopback port; the port can be taken between choosing and binding, so a bind
 * failure is retried on another port.
 */
export function startNatsTestServer(auth: NatsAuthConfigInput): Promise<NatsTestServer>;
export function startNatsTestServer(): Promise<OpenNatsTestServer>;
export async function startNatsTestServer(auth?: NatsAuthConfigInput): Promise<NatsTestServer> {
  const dir = await makeTestDir('nats');
  try {
    const authConfigPath = auth ? join(dir, 'netfleet-auth.conf') : undefined;
    if (auth && authConfigPath) await writeNatsAuthConfig(authConfigPath, auth);
    const config = join(dir, 'nats-server.conf');
    const launch = async (port: number): Promise<NatsServerChild | string> => {
      await writeFile(config, natsServerConfig({ port, storeDir: join(dir, 'jetstream'), include: authConfigPath ? './netfleet-auth.conf' : undefined }));
      const log = join(dir, `nats-server-${port}.log`);
      const server = spawnNatsServer(config, log);
      if (await waitForReady(server, 10_000)) return server;
      await server.stop(STOP_GRACE_MS);
      return `${(await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n')}\n${await server.stderr()}`;
    };
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const launched = await launch(port);
      if (typeof launched !== 'string') {
        let running: NatsServerChild | undefined = launched;
        return {
          url: `nats://127.0.0.1:${port}`, port, dir, authConfigPath: authConfigPath ?? '',
          reload: () => (running
            ? running.reload((reloaded) => until(reloaded, 'nats-server to log a reload', { timeoutMs: 10_000, pollMs: 25 }))
            : Promise.reject(new Error('the server is halted'))),
          stop: async () => {
            await running?.stop(STOP_GRACE_MS);
            running = undefined;
            await rm(dir, { recursive: true, force: true });
          },
          halt: async () => {
            await running?.stop(STOP_GRACE_MS);
            running = undefined;
          },
          resume: async () => {
            if (running) return;
            const again = await launch(port);
            if (typeof again === 'string') throw new Error(`nats-server did not start again on port ${port}:\n${again}`);
            running = again;
          },
        };
      }
      if (attempt >= 3 || !/address already in use/i.test(launched)) throw new Error(`nats-server did not start on port ${port}:\n${launched}`);
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Reads the server's log (a short poll: nothing announces it) until it says it is ready, it has
 * exited, or the deadline passed.
 */
async function waitForReady(server: NatsServerChild, timeoutMs: number): Promise<boolean> {
  const ready = async () => ((await server.isReady()) ? 'ready' : server.hasExited() ? 'exited' : undefined);
  return (await until(ready, 'nats-server to be ready', { timeoutMs, pollMs: 25 }).catch(() => 'late')) === 'ready';
}
