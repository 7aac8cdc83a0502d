import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { hostOutcomesOf, type HostOutcome } from '@netfleet/fleet/host-outcomes';
import { readHostReports } from '@netfleet/eventstore/host-reports';
import { listHostViews } from '@netfleet/eventstore/views';
import type { ApiContext } from '../api-context';

export interface WaitResult { complete: boolean; hosts: HostOutcome[] }

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
  const hosts = [...new Set(commands.map((c) => c.host))];
  const read = async (): Promise<WaitResult> => {
    const [reports, hostViews] = await Promise.all([readHostReports(ctx.db, { network, hosts, afterPosition }), listHostViews(ctx.db)]);
    const outcomes = hostOutcomesOf(commands, reports, new Map(hostViews.filter((h) => !h.online).map((h) => [h.name, h.since])));
    return { complete: outcomes.every((h) => h.outcome !== 'pending' && h.outcome !== 'offline'), hosts: outcomes };
  };
  let reported = '';
  return ctx.commits.until(async () => {
    const result = await read();
    // Tell the caller only when a host's answer changed (progress: done / total, who is slow).
    const signature = result.hosts.map((h) => h.outcome).join(',');
    if (signature !== reported) { reported = signature; onProgress?.(result); }
    return result.hosts.every((h) => h.outcome !== 'pending') ? result : undefined;
  }, { timeoutMs, ...(signal ? { signal } : {}) }, read);
}
