import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Logger } from '@netfleet/log/logger';
import { onExit } from 'signal-exit';

export interface SupervisedProcessOptions {
  name: string;
  /** argv[0] and the rest: never a shell string. */
  command: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  log: Logger;
  /** Restart when it exits on its own (as systemd's Restart=always would). */
  restart: boolean;
  /** Called with the new pid after every (re)start. */
  onStart?: (pid: number) => void;
}

/**
 * A child process the dev fleet keeps alive: output appended to a log file, restarted with a
 * growing delay when it dies, and stopped (SIGTERM, then SIGKILL) when the fleet stops.
 */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private exited: Promise<void> = Promise.resolve();
  private removeExitHook: (() => void) | undefined;

  constructor(private readonly options: SupervisedProcessOptions) {}

  get pid(): number | undefined { return this.child?.pid; }

  start(): void {
    const { options } = this;
    // Should this process end without stop() (a test's hook timing out, an uncaught error), the
    // child goes with it rather than living on, re-parented, holding ports and databases.
    this.removeExitHook ??= onExit(() => { this.child?.kill('SIGKILL'); });
    const out = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(options.command, options.args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      out.end();
      resolve();
      if (this.stopping || !options.restart) return;
      const delay = Math.min(10_000, 250 * 2 ** this.restarts++);
      options.log.warn({ process: options.name, code, signal, restartInMs: delay }, 'process died; restarting');
      setTimeout(() => { if (!this.stopping) this.start(); }, delay).unref();
    }));
    if (child.pid !== undefined) options.onStart?.(child.pid);
    // A process that stayed up a while earns a fresh backoff.
    setTimeout(() => { if (this.child === child) this.restarts = 0; }, 30_000).unref();
  }

  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.removeExitHook?.();
  }
}
