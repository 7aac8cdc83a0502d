import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@netfleet/ovs-sandbox/free-port';
import { until } from '../../support/until';
import { readLog } from './process-log';

const API_MAIN = fileURLToPath(new URL('../../../services/api/src/main.ts', import.meta.url));

export interface ApiProcessConfig {
  name: string;
  databaseUrl: string;
  natsUrls: string;
  namespace: string;
  adminToken: string;
  streamReplicas: number;
  logDir: string;
}

/**
 * One API instance as its own process (services/api/src/main.ts through tsx, as the systemd unit
 * runs the built one) on a free port, logging to `<logDir>/<name>.log`. kill() is kill -9;
 * start() brings it back on the same port.
 */
export class ApiProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly config: ApiProcessConfig, readonly port: number) {}

  static async start(config: ApiProcessConfig): Promise<ApiProcess> {
    const api = new ApiProcess(config, await freePort());
    await api.start();
    return api;
  }

  get url(): string { return `http://127.0.0.1:${this.port}`; }
  get running(): boolean { return this.child !== undefined; }
  get log(): string { return join(this.config.logDir, `${this.config.name}.log`); }

  async start(): Promise<void> {
    const out = openSync(this.log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', API_MAIN], {
      env: {
        ...process.env, NETFLEET_PG_URL: this.config.databaseUrl, NETFLEET_NATS_URL: this.config.natsUrls,
        NETFLEET_NAMESPACE: this.config.namespace, NETFLEET_ADMIN_TOKEN: this.config.adminToken, NETFLEET_ADMIN_NAME: 'faults',
        NETFLEET_API_PORT: String(this.port), NETFLEET_STREAM_REPLICAS: String(this.config.streamReplicas), NETFLEET_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => { if (this.child === child) this.child = undefined; resolve(); }));
    await until(async () => {
      if (!this.child) throw new Error(`API ${this.config.name} exited at start; its log ends:\n${(await readLog(this.log)).trim().split('\n').slice(-5).join('\n')}`);
      return (await fetch(`${this.url}/readyz`).then((r) => r.ok, () => false));
    }, `API ${this.config.name} to be ready`, { timeoutMs: 90_000, pollMs: 200 });
  }

  /** kill -9, as a crash would. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: an orderly stop (the suite's end). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** An HTTP request as the admin; a refused connection answers status 0. */
  async http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    try {
      const response = await fetch(`${this.url}${path}`, {
        method, signal: AbortSignal.timeout(60_000),
        headers: { authorization: `Bearer ${this.config.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) as unknown : undefined };
    } catch {
      return { status: 0, body: undefined };
    }
  }
}
