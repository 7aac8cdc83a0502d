import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { getNetworkView, listHostViews } from '@netfleet/eventstore/views';
import type { HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import type { ApiContext } from '../api-context';

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

/**
 * Waits until every host sent a command has reported on the generation it was sent, woken by
 * commits (never a polling loop), or until the timeout, naming the hosts still pending. A host
 * the fleet view has offline does not hold the wait: it is reported as `offline` at once (and
 * whenever it goes offline while waited for), since it cannot answer before it returns.
 */
export function waitForHosts(ctx: ApiContext, network: string, commands: ApplyNetworkV1[], timeoutMs: number, onProgress?: (progress: WaitResult) => void): Promise<WaitResult> {
  const outcomes = (view: NetworkView | undefined, hostViews: Map<string, HostView>): WaitResult => {
    const hosts = commands.map((c): HostOutcome => {
      const status = view?.perHost[c.host];
      const answered = status && status.appliedGeneration !== null && status.appliedGeneration >= c.generation && status.observed !== 'pending';
      if (!answered) {
        const host = hostViews.get(c.host);
        if (host && !host.online) {
          return { host: c.host, outcome: 'offline', generation: c.generation, warnings: [], offlineSince: host.since, error: `host ${c.host} is offline since ${host.since}; it applies the command when it returns` };
        }
        return { host: c.host, outcome: 'pending', generation: c.generation, warnings: [] };
      }
      return {
        host: c.host, outcome: status.observed as HostOutcome['outcome'], generation: status.appliedGeneration ?? c.generation,
        warnings: status.warnings, ...(status.lastError ? { error: status.lastError } : {}),
      };
    });
    return { complete: hosts.every((h) => h.outcome !== 'pending' && h.outcome !== 'offline'), hosts };
  };
  const read = async () => {
    const [view, hostViews] = await Promise.all([getNetworkView(ctx.db, network), listHostViews(ctx.db)]);
    return outcomes(view, new Map(hostViews.map((h) => [h.name, h])));
  };
  let reported = '';
  return ctx.watcher.until(async () => {
    const result = await read();
    // Tell the caller only when a host's answer changed (progress: done / total, who is slow).
    const signature = result.hosts.map((h) => h.outcome).join(',');
    if (signature !== reported) { reported = signature; onProgress?.(result); }
    return result.hosts.every((h) => h.outcome !== 'pending') ? result : undefined;
  }, timeoutMs, read);
}
