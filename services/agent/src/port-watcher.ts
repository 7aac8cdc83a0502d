import type { Logger } from '@netfleet/log/logger';
import { portChanges, portKey, type ObservedPort } from './plan/port-changes';
import { settledCheck } from './settled-check';

export interface PortReport extends ObservedPort { domain?: string }

export interface PortWatcherOptions {
  /** The OVSDB session's view of the ports on netfleet's bridges (undefined while not in sync). */
  ports: () => ObservedPort[] | undefined;
  report: (kind: 'attached' | 'detached', port: PortReport) => Promise<unknown>;
  /** The domain's name for a VM uuid, from the host's libvirt (absent: no libvirt). */
  domainName?: (vmUuid: string) => Promise<string | undefined>;
  log: Logger;
  settleMs?: number;
}

export interface PortWatcher {
  changed(): void;
  /** Starts reporting, from what the fleet last had of this host's ports (so ports gone meanwhile are detached). */
  start(known: PortReport[]): void;
  stop(): Promise<void>;
}

/**
 * Reports the interfaces VMs (and anyone) plug into netfleet's bridges: on every OVSDB update,
 * the difference from what was last reported becomes PortAttached / PortDetached. A port that
 * could not be reported is retried with the next update.
 */
export function createPortWatcher(options: PortWatcherOptions): PortWatcher {
  let reported = new Map<string, PortReport>();
  const watch = settledCheck(async () => {
    const now = options.ports();
    if (!now || !watch.active()) return;
    const { attached, detached } = portChanges(reported, now);
    const next = new Map(reported);
    for (const port of detached) {
      try {
        await options.report('detached', port);
        next.delete(portKey(port));
      } catch (e) {
        options.log.warn({ err: e, port: port.interface }, 'could not report a detached port');
      }
    }
    for (const port of attached) {
      const domain = port.vmUuid && options.domainName ? await options.domainName(port.vmUuid) : undefined;
      const full: PortReport = { ...port, ...(domain ? { domain } : {}) };
      try {
        await options.report('attached', full);
        next.set(portKey(port), full);
      } catch (e) {
        options.log.warn({ err: e, port: port.interface }, 'could not report an attached port');
      }
    }
    reported = next;
  }, { settleMs: options.settleMs, onError: (e) => options.log.warn({ err: e }, 'port check failed') });
  return {
    changed: watch.changed,
    start(known) {
      reported = new Map(known.map((p) => [portKey(p), p]));
      watch.start();
    },
    stop: watch.stop,
  };
}
