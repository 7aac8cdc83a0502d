import { execa } from 'execa';
import type { HostPlan } from '../plan/plan-host';
import { toVsctlArgs } from '../plan/vsctl-argv';
import { fromOvsStderr } from './from-ovs-stderr';

/**
 * ovs-vsctl, one process per call, argv only (never a shell). The agent's fallback door to OVS
 * (the default is its OVSDB JSON-RPC session, ovsdb-session.ts), and how it reads OVS for a pass
 * made without that session's replica.
 */
export interface Vsctl {
  readonly db: string;
  readonly timeoutSeconds: number;
  /**
   * Runs `ovs-vsctl --timeout=N --db=DB ...args` and returns its stdout. Fails with a
   * NetfleetError (NF_OVS_TIMEOUT, NF_OVS_DB_UNREACHABLE, NF_OVS_COMMAND_FAILED,
   * NF_OVS_NOT_INSTALLED) carrying OVS's stderr.
   */
  run(args: string[]): Promise<string>;
  /** The full argv `run(args)` executes, program first (for dry runs: shown, never executed). */
  commandLine(args: string[]): string[];
}

export interface CreateVsctlOptions {
  /** as `ovs-vsctl --db=` takes it: 'unix:/run/openvswitch/db.sock', 'unix:<sandbox>/db.sock' */
  db: string;
  /** passed as --timeout on every call; default 10 */
  timeoutSeconds?: number;
  /** program path; default 'ovs-vsctl' from PATH */
  program?: string;
  /** extra environment (a sandbox's OVS_RUNDIR …) */
  env?: Record<string, string>;
}

export function createVsctl(options: CreateVsctlOptions): Vsctl {
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const program = options.program ?? 'ovs-vsctl';
  return {
    db: options.db,
    timeoutSeconds,
    commandLine: (args) => [program, `--timeout=${timeoutSeconds}`, `--db=${options.db}`, ...args],
    async run(args) {
      const argv = [`--timeout=${timeoutSeconds}`, `--db=${options.db}`, ...args];
      const result = await execa(program, argv, {
        reject: false,
        stdin: 'ignore',
        ...(options.env ? { env: options.env } : {}),
        // A safety net only: ovs-vsctl enforces --timeout itself.
        timeout: (timeoutSeconds + 5) * 1000,
        // argv for 1,000 bridges runs to ~1 MB of stdout for a list; the default cap is larger.
        maxBuffer: 256 * 1024 * 1024,
      });
      if (result.failed) {
        throw fromOvsStderr(
          {
            args,
            stderr: String(result.stderr ?? ''),
            exitCode: result.exitCode,
            signal: result.signal,
            timedOut: result.timedOut,
            spawnErrorCode: (result.cause as NodeJS.ErrnoException | undefined)?.code,
          },
          result.cause ?? result,
        );
      }
      return String(result.stdout ?? '');
    },
  };
}

export interface ApplyPlanOptions {
  /**
   * Wait for ovs-vswitchd to reconfigure (default true). This is what "started" means for the
   * agent: applyPlan returns only once vswitchd has caught up with this transaction
   * (Open_vSwitch cur_cfg >= next_cfg), so the bridge exists in the datapath and its
   * `<bridge>.mgmt` socket answers `ovs-ofctl dump-desc` with the new DP Description at once.
   * With `--no-wait` ovs-vsctl returns when the database commits, before vswitchd has built
   * anything. Measured on a userspace sandbox (OVS 3.1): one bridge with a controller ≈ 13 ms
   * waiting vs ≈ 11 ms not (≈ 4 ms of either is starting a process) — a truthful "started" is
   * worth 2 ms. Controller *connection* is not waited for: is_connected lags by up to 5 s, so it
   * is reported as its own event when it changes.
   *
   * A NF_OVS_TIMEOUT while waiting means the database HAS committed but vswitchd did not catch up
   * in time (hung or overloaded): the next observe sees the change as applied.
   */
  wait?: boolean;
  /** Passed to toVsctlArgs (default true). */
  mayExist?: boolean;
}

export interface ApplyResult {
  /** how many ops went into the transaction (0: nothing ran) */
  ops: number;
  /** the argv tail that ran (empty when nothing ran) */
  argv: string[];
}

/**
 * Applies the whole plan in ONE ovs-vsctl transaction — all or nothing. Batching is the whole
 * game: 1,000 bridges in one chained ovs-vsctl ≈ 300/s, one process per bridge ≈ 14/s
 * (measured on OVS 3.1; BENCHMARKS.md). An empty plan runs nothing.
 */
export async function applyPlan(vsctl: Vsctl, plan: Pick<HostPlan, 'ops'>, options: ApplyPlanOptions = {}): Promise<ApplyResult> {
  const argv = toVsctlArgs(plan.ops, { mayExist: options.mayExist ?? true });
  if (argv.length === 0) return { ops: 0, argv };
  await vsctl.run(options.wait === false ? ['--no-wait', ...argv] : argv);
  return { ops: plan.ops.length, argv };
}
