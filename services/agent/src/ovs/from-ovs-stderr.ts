import { NetfleetError } from '@netfleet/errors/netfleet-error';

export interface OvsFailure {
  /** the argv given to ovs-vsctl (without the program) */
  args: string[];
  stderr: string;
  exitCode?: number | undefined;
  signal?: string | undefined;
  /** our own process-level deadline fired (a safety net behind --timeout) */
  timedOut?: boolean;
  /** the spawn itself failed with this errno code (ENOENT …) */
  spawnErrorCode?: string | undefined;
}

/**
 * The one place an ovs-vsctl failure becomes a NetfleetError: the program missing
 * (NF_OVS_NOT_INSTALLED), its --timeout expired (NF_OVS_TIMEOUT), ovsdb-server unreachable
 * (NF_OVS_DB_UNREACHABLE), or OVS refusing the transaction (NF_OVS_COMMAND_FAILED). OVS's own
 * words stay in the message (they are what an operator can search for) and in `details.stderr`.
 */
export function fromOvsStderr(failure: OvsFailure, cause?: unknown): NetfleetError {
  const stderr = failure.stderr.trim();
  const details = {
    args: failure.args,
    stderr,
    exitCode: failure.exitCode,
    signal: failure.signal,
  };
  if (failure.spawnErrorCode === 'ENOENT') {
    return new NetfleetError('NF_OVS_NOT_INSTALLED', { missing: 'ovs-vsctl', ...details }, cause);
  }
  // ovs-vsctl's --timeout raises SIGALRM; OVS's fatal-signal handler then exits on that signal.
  if (failure.timedOut || failure.signal === 'SIGALRM' || /timeout expired|alarm clock/i.test(stderr)) {
    return new NetfleetError('NF_OVS_TIMEOUT', { problem: `ovs-vsctl timed out${stderr ? `: ${stderr}` : ''}`, ...details }, cause);
  }
  if (/database connection failed|connection (?:refused|failed)|No such file or directory|Permission denied/i.test(stderr)) {
    return new NetfleetError('NF_OVS_DB_UNREACHABLE', { reason: stderr, ...details }, cause);
  }
  return new NetfleetError('NF_OVS_COMMAND_FAILED', { reason: `ovs-vsctl failed (exit ${failure.exitCode ?? failure.signal ?? '?'}): ${stderr || 'no error text'}`, ...details }, cause);
}
