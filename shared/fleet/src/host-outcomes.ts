import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { HostEventType } from '@netfleet/events/host-events';

/** A host's report of what it did with a network (one of its outcome events). */
export interface HostReport {
  type: typeof HostEventType.NetworkStartedOnHost | typeof HostEventType.NetworkStoppedOnHost | typeof HostEventType.NetworkFailedOnHost;
  host: string;
  generation: number;
  warnings: string[];
  error?: string;
}

/** One host's answer to a command, as `--wait` prints it. */
export interface HostOutcome {
  host: string;
  /**
   * running / stopped: applied; failed: the host refused or OVS failed; offline: the host is known
   * to be down (it applies the command when it returns); pending: no answer in time.
   */
  outcome: 'running' | 'stopped' | 'failed' | 'offline' | 'pending';
  generation: number;
  error?: string;
  warnings: string[];
  /** For an offline host: since when the fleet view has it offline. */
  offlineSince?: string;
}

const OUTCOME_OF: Record<HostReport['type'], HostOutcome['outcome']> = {
  NetworkStartedOnHost: 'running', NetworkStoppedOnHost: 'stopped', NetworkFailedOnHost: 'failed',
};

/**
 * Each commanded host's answer: its last report on the generation it was sent (or a later one);
 * without one, `offline` when the host view has it offline (since `offlineSince`), else `pending`.
 * Pure: `reports` in log order, `offlineSince` from the fleet's host views.
 */
export function hostOutcomesOf(commands: readonly ApplyNetworkV1[], reports: readonly HostReport[], offlineSince: ReadonlyMap<string, string>): HostOutcome[] {
  return commands.map((c): HostOutcome => {
    const report = reports.filter((r) => r.host === c.host && r.generation >= c.generation).at(-1);
    if (report) return outcomeOfReport(report);
    const since = offlineSince.get(c.host);
    if (since !== undefined) return { host: c.host, outcome: 'offline', generation: c.generation, warnings: [], offlineSince: since, error: `host ${c.host} is offline since ${since}; it applies the command when it returns` };
    return { host: c.host, outcome: 'pending', generation: c.generation, warnings: [] };
  });
}

/** What one report says the host did (the audit export shows it beside the report). Pure. */
export function outcomeOfReport(report: HostReport): HostOutcome {
  return { host: report.host, outcome: OUTCOME_OF[report.type], generation: report.generation, warnings: report.warnings, ...(report.error ? { error: report.error } : {}) };
}
