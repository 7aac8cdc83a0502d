import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ovsBinary } from './ovs-binaries';
import { forgetDirAtExit, removeDirAtExit, spawnDaemon } from './supervised-daemon';
import { waitForSocket } from './wait-for-socket';

/**
 * A real OpenFlow controller (`ovs-testcontroller`, a learning switch) listening on TCP. It
 * serves at most 16 switches at once: give each group of up to 16 bridges its own.
 */
export interface TestController {
  /** Where a switch connects: `tcp:<address>:<port>`. */
  target: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export interface StartTestControllerOptions {
  /** Default 127.0.0.1; only loopback is ever a target here. */
  address?: string;
  port: number;
  /** For its log and control socket. Default: a fresh mkdtemp under os.tmpdir(), removed by stop(). */
  dir?: string;
  startTimeoutMs?: number;
}

export async function startTestController(options: StartTestControllerOptions): Promise<TestController> {
  const file = ovsBinary('ovs-testcontroller');
  const address = options.address ?? '127.0.0.1';
  const created = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'nf-tc-')));
  if (created) removeDirAtExit(dir);
  const stem = `testcontroller-${options.port}`;
  const host = address.includes(':') ? `[${address}]` : address;
  const env = { ...(process.env as Record<string, string>), OVS_RUNDIR: dir, OVS_LOGDIR: dir };
  const daemon = spawnDaemon({
    name: 'ovs-testcontroller',
    file,
    args: [
      `--unixctl=${join(dir, `${stem}.ctl`)}`,
      `--log-file=${join(dir, `${stem}.log`)}`,
      '-vconsole:off',
      // ptcp:PORT:IP (port first, unlike tcp:IP:PORT)
      `ptcp:${options.port}:${host}`,
    ],
    env,
    stderrFile: join(dir, `${stem}.stderr`),
  });

  const cleanup = async (): Promise<void> => {
    await daemon.stop();
    if (created) {
      forgetDirAtExit(dir);
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    await waitForSocket({ host: address, port: options.port }, daemon, options.startTimeoutMs ?? 10_000);
  } catch (error) {
    await cleanup();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    target: `tcp:${host}:${options.port}`,
    port: options.port,
    pid: daemon.pid,
    stop: () => (stopping ??= cleanup()),
  };
}
