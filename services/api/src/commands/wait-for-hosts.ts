import type { ApplyNetworkV1 } from '@netfleet/events/host-commands';
import { getNetworkView } from '@netfleet/eventstore/views';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import type { ApiContext } from '../api-context';

/** One host's answer to a command, as `--wait` prints it. */
export interface HostOutcome {
  host: string;
  /** running / stopped: applied; failed: the host refused or OVS failed; pending: no answer in time. */
  outcome: 'running' | 'stopped' | 'failed' | 'pending';
  generation: number;
  error?: string;
  warnings: string[];
}

export interface WaitResult { complete: boolean; hosts: HostOutcome[] }

/**
 * Waits until every host sent a command has reported on the generation it was sent, woken by
 * commits (never a polling loop), or until the timeout, naming the hosts still pending.
 */
export function waitForHosts(ctx: ApiContext, network: string, commands: ApplyNetworkV1[], timeoutMs: number, onProgress?: (progress: WaitResult) => void): Promise<WaitResult> {
  const outcomes = (view: NetworkView | undefined): WaitResult => {
    const hosts = commands.map((c): HostOutcome => {
      const status = view?.perHost[c.host];
      const answered = status && status.appliedGeneration !== null && status.appliedGeneration >= c.generation && status.observed !== 'pending';
      if (!answered) return { host: c.host, outcome: 'pending', generation: c.generation, warnings: [] };
      return {
        host: c.host, outcome: status.observed as HostOutcome['outcome'], generation: status.appliedGeneration ?? c.generation,
        warnings: status.warnings, ...(status.lastError ? { error: status.lastError } : {}),
      };
    });
    return { complete: hosts.every((h) => h.outcome !== 'pending'), hosts };
  };
  const read = async () => outcomes(await getNetworkView(ctx.db, network));
  let reported = '';
  return ctx.watcher.until(async () => {
    const result = await read();
    // Tell the caller only when a host's answer changed (progress: done / total, who is slow).
    const signature = result.hosts.map((h) => h.outcome).join(',');
    if (signature !== reported) { reported = signature; onProgress?.(result); }
    return result.complete ? result : undefined;
  }, timeoutMs, read);
}
