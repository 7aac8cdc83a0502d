import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

/** Debian's package puts it here; NETFLEET_NATS_SERVER overrides. */
const NATS_SERVER = process.env['NETFLEET_NATS_SERVER'] ?? '/usr/sbin/nats-server';

export interface NatsServerConfig {
  port: number;
  /** The HTTP monitoring port (/jsz, /subsz, /connz); none without it. */
  monitorPort?: number;
  storeDir: string;
  /** The auth include, relative to the config file; an open server without it. */
  include?: string;
}

/** A nats-server.conf laid out as deploy/nats/ is: loopback only, JetStream, the auth include. */
export function natsServerConfig(config: NatsServerConfig): string {
  return [
    `listen: "127.0.0.1:${config.port}"`,
    ...(config.monitorPort !== undefined ? [`http: "127.0.0.1:${config.monitorPort}"`] : []),
    `jetstream { store_dir: "${config.storeDir}" }`,
    ...(config.include !== undefined ? [`include ${config.include}`] : []),
    '',
  ].join('\n');
}

/** A nats-server as its starter hands it out: where it is and how to make it reread its auth. */
export interface RunningNatsServer {
  url: string;
  /** The auth include the server reads: rewrite it (the API does on host-add), then reload(). */
  authConfigPath: string;
  /** SIGHUP, as an operator would; resolves once the server logged that it reloaded. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

const READY = /Server is ready/g;
const RELOADED = /Reloaded server configuration/g;

/**
 * A nats-server run as a child of this process (execa kills it if this process dies first),
 * for the dev fleet and the tests. Its log is the judge of what it did (nothing else announces
 * it; a TCP probe would be answered by another process holding the port too). How long to wait
 * and what to say when it does not come are the caller's: `waitFor` is given the check.
 */
export interface NatsServerChild {
  readonly pid: number;
  /** Resolves once the server has exited (never rejects). */
  readonly done: Promise<void>;
  hasExited(): boolean;
  /** Its log says it is ready. */
  isReady(): Promise<boolean>;
  /** SIGHUP, as an operator would; resolves once `waitFor` saw the log say it reloaded. */
  reload(waitFor: (reloaded: () => Promise<boolean>) => Promise<unknown>): Promise<void>;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs: number): Promise<void>;
  /** What it wrote to stderr; resolves once it has exited. */
  stderr(): Promise<string>;
}

export function spawnNatsServer(configPath: string, log: string): NatsServerChild {
  const child = execa(NATS_SERVER, ['-c', configPath, '-l', log], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true, forceKillAfterDelay: false });
  let exited = false;
  const done = child.then(() => { exited = true; });
  const logged = async (pattern: RegExp) => ((await readFile(log, 'utf8').catch(() => '')).match(pattern) ?? []).length;
  return {
    pid: child.pid!,
    done,
    hasExited: () => exited,
    isReady: async () => (await logged(READY)) > 0,
    async reload(waitFor) {
      const before = await logged(RELOADED);
      child.kill('SIGHUP');
      await waitFor(async () => (await logged(RELOADED)) > before);
    },
    async stop(graceMs) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done;
      clearTimeout(timer);
    },
    stderr: async () => (await child).stderr,
  };
}
