import { readFileSync, rmSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { onExit } from 'signal-exit';

/**
 * An OVS daemon run as a child of this process — never with --detach: a detached daemon is
 * re-parented to PID 1, and where PID 1 does not reap (containers, sandboxes) it lingers as a
 * zombie (product.md §5). As a child it is reaped here, and execa's `cleanup` (on by default)
 * kills it when this process exits or is signalled.
 */
export interface SupervisedDaemon {
  readonly name: string;
  readonly pid: number;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<DaemonExit>;
  /** Whether it has exited already. */
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<DaemonExit>;
  /** The tail of what the daemon wrote to stderr (its early errors: logging is not set up yet). */
  stderrTail(): string;
}

export interface DaemonExit {
  exitCode: number | undefined;
  signal: string | undefined;
}

export interface SpawnDaemonOptions {
  name: string;
  file: string;
  args: string[];
  env: Record<string, string>;
  /** stderr goes to this file rather than a pipe nobody drains. */
  stderrFile: string;
}

// The safety net: whatever is still registered when the process exits — normally, by an
// uncaught error, or by a signal nobody else handles (signal-exit, the same hook execa's
// `cleanup` uses) — gets SIGKILL and its directory removed, so a test that crashed before its
// teardown leaves nothing behind. A process that handles SIGINT/SIGTERM itself (the dev fleet)
// is expected to call stop().
const liveDaemons = new Set<number>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onExit(() => {
    for (const pid of liveDaemons) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of liveDirs) {
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // best effort while exiting
      }
    }
  });
}

/** Remove `dir` at process exit unless `forgetDirAtExit` is called first. */
export function removeDirAtExit(dir: string): void {
  installExitHook();
  liveDirs.add(dir);
}

export function forgetDirAtExit(dir: string): void {
  liveDirs.delete(dir);
}

export function spawnDaemon(options: SpawnDaemonOptions): SupervisedDaemon {
  installExitHook();
  const child: ResultPromise = execa(options.file, options.args, {
    env: options.env,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: { file: options.stderrFile },
    reject: false,
    cleanup: true,
    // stop() escalates itself; execa's own timer would only race it.
    forceKillAfterDelay: false,
  });
  const pid = child.pid;
  if (pid === undefined) {
    // execa reports spawn failures through the promise; surface them synchronously here.
    throw new Error(`${options.name}: could not be started (${options.file})`);
  }
  liveDaemons.add(pid);

  let done = false;
  const exited: Promise<DaemonExit> = child.then(
    (result) => {
      done = true;
      liveDaemons.delete(pid);
      return { exitCode: result.exitCode, signal: result.signal };
    },
    () => {
      done = true;
      liveDaemons.delete(pid);
      return { exitCode: undefined, signal: undefined };
    },
  );

  return {
    name: options.name,
    pid,
    exited,
    hasExited: () => done,
    stderrTail: () => {
      try {
        return readFileSync(options.stderrFile, 'utf8').trim().split('\n').slice(-10).join('\n');
      } catch {
        return '';
      }
    },
    async stop(graceMs = 3_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          if (!done) child.kill('SIGKILL');
          resolve();
        }, graceMs);
      });
      const result = await Promise.race([exited, killed.then(() => exited)]);
      clearTimeout(timer);
      return result;
    },
  };
}
