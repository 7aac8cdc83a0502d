import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { BusNames } from '@netfleet/bus/names';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { NATS_URL } from './test-servers';
import { until } from './until';

const API_MAIN = fileURLToPath(new URL('../../services/api/src/main.ts', import.meta.url));

export interface ApiProcess {
  url: string;
  /** The admin token it was started with. */
  token: string;
  pid: number;
  /** kill -9, as a crash or the OOM killer would; resolves once it exited. */
  kill(): Promise<void>;
}

/**
 * The API as its own process (`node --import tsx services/api/src/main.ts`, configured by the
 * environment as deploy/ configures it), so a test can kill -9 it mid-work. Resolves once it
 * answers /healthz on its free port.
 */
export async function spawnApiProcess(database: { url: string }, names: BusNames, env: Record<string, string> = {}): Promise<ApiProcess> {
  const token = `test-${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const child: ResultPromise = execa(process.execPath, ['--import', 'tsx', API_MAIN], {
    env: {
      NETFLEET_ADMIN_TOKEN: token, NETFLEET_PG_URL: database.url, NETFLEET_NATS_URL: NATS_URL, NETFLEET_NAMESPACE: names.namespace,
      NETFLEET_API_HOST: '127.0.0.1', NETFLEET_API_PORT: String(port), NETFLEET_LOG_LEVEL: 'warn', ...env,
    },
    stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true, forceKillAfterDelay: false,
  });
  let exited = false;
  const done = child.then(() => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  const kill = async () => {
    if (!exited) child.kill('SIGKILL');
    await done;
  };
  try {
    await until(async () => {
      if (exited) throw new Error(`the API process exited before it listened:\n${(await child).stderr}`);
      return fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    }, 'the API process to listen', { timeoutMs: 60_000, pollMs: 100 });
  } catch (e) {
    await kill();
    throw e;
  }
  return { url, token, pid: child.pid!, kill };
}
