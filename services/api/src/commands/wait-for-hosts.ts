import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import type { ApiContext } from '../api-context';
import { SharedReportReads } from './shared-report-reads';

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

export interface WaitResult { complete: boolean; hosts: HostOutcome[] }

const OUTCOME_OF: Record<string, HostOutcome['outcome']> = {
  NetworkStartedOnHost: 'running', NetworkStoppedOnHost: 'stopped', NetworkFailedOnHost: 'failed',
};

// One shared reader per API (keyed by its database handle): see SharedReportReads.
const sharedReads = new WeakMap<object, SharedReportReads>();

/**
 * Waits until every host sent a command has reported on the generation it was sent, woken by
 * commits (never a polling loop), or until the timeout, naming the hosts still pending. Answers
 * are read from the hosts' reports recorded after the command (`afterPosition`), not from the
 * view, which forgets a host once it stopped a network it no longer runs. A host the fleet view
 * has offline does not hold the wait: it is reported as `offline` at once (and whenever it goes
 * offline while waited for), since it cannot answer before it returns.
 */
export function waitForHosts(ctx: ApiContext, network: string, commands: ApplyNetworkV1[], afterPosition: number, timeoutMs: number, onProgress?: (progress: WaitResult) => void): Promise<WaitResult> {
  let shared = sharedReads.get(ctx.db);
  if (!shared) { shared = new SharedReportReads(ctx.db, Object.keys(OUTCOME_OF)); sharedReads.set(ctx.db, shared); }
  const reads = shared;
  const streams = new Set(commands.map((c) => `host:${c.host}`));
  const release = reads.register(afterPosition);
  const read = async (): Promise<WaitResult> => {
    const snapshot = await reads.fresh();
    const hostViews = snapshot.hostViews;
    const reports = snapshot.reports.filter((r) => r.position > afterPosition && streams.has(r.stream_id) && (r.data as { network?: string }).network === network);
    const offline = new Map(hostViews.filter((h) => !h.online).map((h) => [h.name, h.since]));
    const hosts = commands.map((c): HostOutcome => {
      const report = reports.filter((r) => r.stream_id === `host:${c.host}` && (r.data as { generation: number }).generation >= c.generation).at(-1);
      if (!report) {
        const since = offline.get(c.host);
        if (since !== undefined) return { host: c.host, outcome: 'offline', generation: c.generation, warnings: [], offlineSince: since, error: `host ${c.host} is offline since ${since}; it applies the command when it returns` };
        return { host: c.host, outcome: 'pending', generation: c.generation, warnings: [] };
      }
      const data = report.data as { generation: number; warnings?: string[]; error?: string };
      return { host: c.host, outcome: OUTCOME_OF[report.type]!, generation: data.generation, warnings: data.warnings ?? [], ...(data.error ? { error: data.error } : {}) };
    });
    return { complete: hosts.every((h) => h.outcome !== 'pending' && h.outcome !== 'offline'), hosts };
  };
  let reported = '';
  return ctx.watcher.until(async () => {
    const result = await read();
    // Tell the caller only when a host's answer changed (progress: done / total, who is slow).
    const signature = result.hosts.map((h) => h.outcome).join(',');
    if (signature !== reported) { reported = signature; onProgress?.(result); }
    return result.hosts.every((h) => h.outcome !== 'pending') ? result : undefined;
  }, timeoutMs, read).finally(release);
}
