import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { writeNatsAuthConfig } from '@netfleet/bus/credentials/write-nats-auth-config';
import type { NatsAuthConfigInput } from '@netfleet/bus/credentials/nats-auth-config';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { makeTestDir } from './test-names';
import { until } from './until';

/** Debian's package puts it here; NETFLEET_NATS_SERVER overrides. */
const NATS_SERVER = process.env['NETFLEET_NATS_SERVER'] ?? '/usr/sbin/nats-server';

export interface NatsTestServer {
  url: string;
  port: number;
  dir: string;
  /** The auth include the server reads; rewrite it, then reload(). */
  authConfigPath: string;
  /** SIGHUP, as an operator would; resolves once the server logged that it reloaded. */
  reload(): Promise<void>;
  /** Ends the server (SIGTERM, SIGKILL after 3 s) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * A nats-server of the test's own, laid out as deploy/nats/ is: a main config with JetStream in a
 * temp store dir that includes the auth file netfleet writes. It runs as a child of this process
 * (execa kills it if the process dies first) on a free loopback port; the port can be taken
 * between choosing and binding, so a bind failure is retried on another port.
 */
export async function startNatsTestServer(auth: NatsAuthConfigInput): Promise<NatsTestServer> {
  const dir = await makeTestDir('nats');
  try {
    const authConfigPath = join(dir, 'netfleet-auth.conf');
    await writeNatsAuthConfig(authConfigPath, auth);
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = join(dir, 'nats-server.conf');
      await writeFile(config, [
        `listen: "127.0.0.1:${port}"`,
        `jetstream { store_dir: "${join(dir, 'jetstream')}" }`,
        'include ./netfleet-auth.conf',
        '',
      ].join('\n'));
      const log = join(dir, `nats-server-${port}.log`);
      const child = execa(NATS_SERVER, ['-c', config, '-l', log], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true, forceKillAfterDelay: false });
      let exited = false;
      const done = child.then(() => { exited = true; });
      const ready = await waitForReady(log, () => exited, 10_000);
      if (ready) {
        return {
          url: `nats://127.0.0.1:${port}`, port, dir, authConfigPath,
          reload: () => reloadServer(child, log),
          stop: () => stopServer(child, done, dir),
        };
      }
      await stopServer(child, done, undefined);
      const why = `${(await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n')}\n${(await child).stderr}`;
      if (attempt >= 3 || !/address already in use/i.test(why)) throw new Error(`nats-server did not start on port ${port}:\n${why}`);
    }
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

const RELOADED = /Reloaded server configuration/g;

async function reloadServer(child: ResultPromise, log: string): Promise<void> {
  const count = async () => ((await readFile(log, 'utf8')).match(RELOADED) ?? []).length;
  const before = await count();
  child.kill('SIGHUP');
  await until(async () => (await count()) !== before, 'nats-server to log a reload', { timeoutMs: 10_000, pollMs: 25 });
}

async function stopServer(child: ResultPromise, done: Promise<void>, dir: string | undefined): Promise<void> {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await done;
  clearTimeout(timer);
  if (dir) await rm(dir, { recursive: true, force: true });
}

/**
 * Reads the server's log (a short poll: nothing announces it) until it says it is ready, it has
 * exited, or the deadline passed. The log
 * (not a TCP probe) is the judge: another process that took the port would answer a probe too.
 */
async function waitForReady(log: string, hasExited: () => boolean, timeoutMs: number): Promise<boolean> {
  const ready = async () => ((await readFile(log, 'utf8').catch(() => '')).includes('Server is ready') ? 'ready' : hasExited() ? 'exited' : undefined);
  return (await until(ready, 'nats-server to be ready', { timeoutMs, pollMs: 25 }).catch(() => 'late')) === 'ready';
}
