import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execa } from 'execa';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { ovsBinary, vswitchSchema } from './ovs-binaries';
import { forgetDirAtExit, removeDirAtExit, spawnDaemon, type SupervisedDaemon } from './supervised-daemon';
import { waitForSocket } from './wait-for-socket';

/**
 * One simulated host's Open vSwitch: its own ovsdb-server and ovs-vswitchd (with the dummy
 * datapath, so no kernel module), all state in one directory. Several sandboxes are several hosts.
 */
export interface OvsSandbox {
  name: string;
  dir: string;
  /** `unix:<dir>/db.sock`, as `ovs-vsctl --db=` takes it. */
  db: string;
  /** OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR, OVS_SYSCONFDIR: give it to ovs-ofctl, ovs-appctl, … */
  env: Record<string, string>;
  pids(): { ovsdbServer: number; ovsVswitchd: number };
  /**
   * SIGTERM to both daemons (SIGKILL after a grace period), wait for them to exit, then remove
   * the directory — unless `keepDir` (the dev fleet keeps a host's state across restarts).
   */
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

export interface StartOvsSandboxOptions {
  /** State directory; reused (database kept) when it exists. Default: a fresh mkdtemp under os.tmpdir(). */
  dir?: string;
  /** Defaults to the directory's base name. */
  name?: string;
  /** How long each daemon may take to come up. Default 10 s. */
  startTimeoutMs?: number;
}

// sun_path is 108 bytes with its NUL. The longest socket a sandbox holds is a bridge's
// `<dir>/<bridge>.mgmt`, bridge names being at most 15 characters.
const UNIX_PATH_MAX = 107;
const LONGEST_SOCKET_SUFFIX = '/123456789012345.mgmt'.length;

function pidAlive(pidFile: string, program: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(program) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A reused directory may hold sockets and pid files of daemons that died without cleaning up. */
function clearStaleRuntimeFiles(dir: string): void {
  for (const program of ['ovsdb-server', 'ovs-vswitchd']) {
    const pid = pidAlive(join(dir, `${program}.pid`), program);
    if (pid !== undefined) {
      throw new NetfleetError('NF_OVS_SANDBOX_IN_USE', { dir, program, pid });
    }
  }
  for (const entry of readdirSync(dir)) {
    if (entry.endsWith('.sock') || entry.endsWith('.mgmt') || entry.endsWith('.ctl') || entry.endsWith('.pid')) {
      rmSync(join(dir, entry), { force: true });
    }
  }
}

async function vsctl(db: string, env: Record<string, string>, args: string[], timeoutSeconds: number): Promise<void> {
  const result = await execa(ovsBinary('ovs-vsctl'), [`--timeout=${timeoutSeconds}`, `--db=${db}`, ...args], {
    env,
    reject: false,
    stdin: 'ignore',
  });
  if (result.exitCode !== 0) {
    throw new NetfleetError('NF_OVS_SANDBOX_INIT_FAILED', {
      command: `ovs-vsctl ${args.join(' ')}`, stderr: String(result.stderr).trim(), db, exitCode: result.exitCode,
    });
  }
}

export async function startOvsSandbox(options: StartOvsSandboxOptions = {}): Promise<OvsSandbox> {
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  // Resolve every program first, so a machine without OVS fails with NF_OVS_NOT_INSTALLED and
  // leaves nothing behind.
  const bins = {
    tool: ovsBinary('ovsdb-tool'),
    server: ovsBinary('ovsdb-server'),
    vswitchd: ovsBinary('ovs-vswitchd'),
  };
  ovsBinary('ovs-vsctl');
  const schema = vswitchSchema();

  const created = options.dir === undefined;
  const dir = created ? await mkdtemp(join(tmpdir(), 'nf-ovs-')) : resolve(options.dir!);
  if (dir.length + LONGEST_SOCKET_SUFFIX > UNIX_PATH_MAX) {
    throw new NetfleetError('NF_OVS_SANDBOX_PATH_TOO_LONG', { dir, length: dir.length, max: UNIX_PATH_MAX - LONGEST_SOCKET_SUFFIX });
  }
  if (!created) await mkdir(dir, { recursive: true });
  // Only a directory this call made is removed if the process dies without stop().
  if (created) removeDirAtExit(dir);

  const env: Record<string, string> = {
    OVS_RUNDIR: dir,
    OVS_LOGDIR: dir,
    OVS_DBDIR: dir,
    OVS_SYSCONFDIR: dir,
  };
  const childEnv = { ...(process.env as Record<string, string>), ...env };
  const dbPath = join(dir, 'conf.db');
  const sockPath = join(dir, 'db.sock');
  const db = `unix:${sockPath}`;
  const daemons: SupervisedDaemon[] = [];

  try {
    clearStaleRuntimeFiles(dir);
    if (!existsSync(dbPath)) {
      const made = await execa(bins.tool, ['create', dbPath, schema], { env: childEnv, reject: false });
      if (made.exitCode !== 0) {
        throw new NetfleetError('NF_OVS_SANDBOX_INIT_FAILED', { command: `ovsdb-tool create ${dbPath}`, stderr: String(made.stderr).trim(), dir });
      }
    }

    // Both daemons keep their pid, log, control socket and stderr in the sandbox, named after them.
    const startDaemon = (name: 'ovsdb-server' | 'ovs-vswitchd', file: string, args: string[]) => {
      const daemon = spawnDaemon({
        name, file, env: childEnv, stderrFile: join(dir, `${name}.stderr`),
        args: ['--no-chdir', `--pidfile=${join(dir, `${name}.pid`)}`, `--log-file=${join(dir, `${name}.log`)}`, '-vconsole:off', `--unixctl=${join(dir, `${name}.ctl`)}`, ...args],
      });
      daemons.push(daemon);
      return daemon;
    };

    const server = startDaemon('ovsdb-server', bins.server, [`--remote=punix:${sockPath}`, dbPath]);
    await waitForSocket({ path: sockPath }, server, timeoutMs);
    await vsctl(db, childEnv, ['--no-wait', 'init'], Math.ceil(timeoutMs / 1000));

    const vswitchd = startDaemon('ovs-vswitchd', bins.vswitchd, ['--enable-dummy=override', db]);
    // Without --no-wait, ovs-vsctl bumps next_cfg and returns once vswitchd has caught up
    // (cur_cfg): then vswitchd is connected and has built every bridge already in the database.
    await Promise.race([
      vsctl(db, childEnv, ['init'], Math.ceil(timeoutMs / 1000)),
      vswitchd.exited.then((exit) => {
        throw new NetfleetError('NF_OVS_SANDBOX_DAEMON_DIED', {
          daemon: 'ovs-vswitchd', dir, exitCode: String(exit.exitCode ?? '-'), signal: exit.signal ?? '-',
          when: 'while starting', output: vswitchd.stderrTail() || `see ${join(dir, 'ovs-vswitchd.log')}`,
        });
      }),
    ]);
  } catch (error) {
    await Promise.all(daemons.reverse().map((d) => d.stop()));
    if (created) {
      forgetDirAtExit(dir);
      await rm(dir, { recursive: true, force: true });
    }
    throw error;
  }

  const [server, vswitchd] = daemons as [SupervisedDaemon, SupervisedDaemon];
  let stopping: Promise<void> | undefined;
  return {
    name: options.name ?? basename(dir),
    dir,
    db,
    env,
    pids: () => ({ ovsdbServer: server.pid, ovsVswitchd: vswitchd.pid }),
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        // vswitchd first: it would otherwise spin reconnecting to a vanished database.
        await vswitchd.stop();
        await server.stop();
        forgetDirAtExit(dir);
        if (!stopOptions.keepDir) await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
