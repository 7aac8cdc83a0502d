import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { NetfleetError } from '@netfleet/errors/netfleet-error';

/** A dev fleet's fleet.json names the process that runs it: a second fleet while it lives is refused. */
export function refuseIfAlreadyRunning(fleetFile: string): void {
  if (!existsSync(fleetFile)) return;
  const previous = JSON.parse(readFileSync(fleetFile, 'utf8')) as { devfleetPid?: number };
  if (previous.devfleetPid && isAlive(previous.devfleetPid)) {
    throw new NetfleetError('NF_DEV_ALREADY_RUNNING', { pid: previous.devfleetPid });
  }
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/**
 * The one way a dev fleet ends: its parts stopped, its fleet.json removed, the process exited with
 * `code`. Ctrl-C reaches the whole process group (and npm/tsx relay it once more): it stops once,
 * whatever number of signals arrive, rather than letting a second one kill it before the children stop.
 */
export function stopOnceOnSignals(stopParts: () => Promise<void>, fleetFile: string): (code: number) => Promise<never> {
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => {});
    stopping = true;
    await stopParts();
    await rm(fleetFile, { force: true });
    process.exit(code);
  };
  const onSignal = () => { if (!stopping) process.stderr.write('\nstopping the fleet…\n'); void stop(0); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return stop;
}
