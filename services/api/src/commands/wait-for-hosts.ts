import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { hostOutcomesOf, type HostOutcome } from '@netfleet/fleet/host-outcomes';
import type { ApiContext } from '../api-context';
import { SharedReportReads } from './shared-report-reads';

export interface WaitResult { complete: boolean; hosts: HostOutcome[] }

// One shared reader per API (keyed by its database handle): see SharedReportReads.
const sharedReads = new WeakMap<object, SharedReportReads>();

/**
 * Waits until every host sent a command has reported on the generation it was sent, woken by
 * commits (never a polling loop), or until the timeout, naming the hosts still pending. Answers
 * are read from the hosts' reports recorded after the command (`afterPosition`), not from the
 * view, which forgets a host once it stopped a network it no longer runs. A host the fleet view
 * has offline does not hold the wait: it is reported as `offline` at once (and whenever it goes
 * offline while waited for), since it cannot answer before it returns. `signal` ends the wait
 * early (rejecting with its reason: the request's token was revoked).
 */
export function waitForHosts(ctx: ApiContext, network: string, commands: ApplyNetworkV1[], afterPosition: number, timeoutMs: number, onProgress?: (progress: WaitResult) => void, signal?: AbortSignal): Promise<WaitResult> {
  let shared = sharedReads.get(ctx.db);
  if (!shared) { shared = new SharedReportReads(ctx.db); sharedReads.set(ctx.db, shared); }
  const reads = shared;
  const hosts = new Set(commands.map((c) => c.host));
  const release = reads.register(afterPosition);
  const read = async (): Promise<WaitResult> => {
    const snapshot = await reads.fresh();
    const reports = snapshot.reports.filter((r) => r.position > afterPosition && r.network === network && hosts.has(r.host));
    const outcomes = hostOutcomesOf(commands, reports, new Map(snapshot.hostViews.filter((h) => !h.online).map((h) => [h.name, h.since])));
    return { complete: outcomes.every((h) => h.outcome !== 'pending' && h.outcome !== 'offline'), hosts: outcomes };
  };
  let reported = '';
  return ctx.commits.until(async () => {
    const result = await read();
    // Tell the caller only when a host's answer changed (progress: done / total, who is slow).
    const signature = result.hosts.map((h) => h.outcome).join(',');
    if (signature !== reported) { reported = signature; onProgress?.(result); }
    return result.hosts.every((h) => h.outcome !== 'pending') ? result : undefined;
  }, { timeoutMs, ...(signal ? { signal } : {}) }, read).finally(release);
}
