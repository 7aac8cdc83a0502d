import type { Logger } from '@netfleet/log/logger';
import type { ControllerConnection } from './controller-status';
import { ControllerStatusTracker } from './controller-status';
import type { ObservedHost } from './plan/observed-bridge';
import type { Reconciler } from './reconciler';
import { settledCheck } from './settled-check';

export interface DriftWatcherOptions {
  /** The OVSDB session's replica (undefined while it is not in sync). */
  observed: () => ObservedHost | undefined;
  reconciler: Pick<Reconciler, 'idle' | 'planAgainst' | 'enqueueHostPass'>;
  /** Reports a controller connection that changed. */
  reportController: (change: ControllerConnection) => Promise<unknown>;
  log: Logger;
  /** How long updates are gathered before one check; default 20 ms. */
  settleMs?: number;
}

export interface DriftWatcher {
  /** Call on every replica update; checks once updates settle. */
  changed(): void;
  /** Start checking (before: the desired state is not known and first applied yet). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * Turns OVSDB monitor updates into work: reports controller connections that changed, and puts a
 * host pass on the reconciler's queue when the replica no longer plans empty (drift). What the
 * agent itself just applied plans empty, so its own changes never cause a pass. Nothing is checked
 * before `start` — an empty desired state would mean "remove every bridge netfleet owns here".
 */
export function createDriftWatcher(options: DriftWatcherOptions): DriftWatcher {
  const { reconciler, log } = options;
  const controllers = new ControllerStatusTracker();
  const watch = settledCheck(async () => {
    await reconciler.idle();
    const observed = options.observed();
    if (!observed || !watch.active()) return;
    for (const change of controllers.changes(observed.bridges)) {
      log.info({ ...change }, 'controller connection changed');
      await options.reportController(change);
    }
    const plan = reconciler.planAgainst(observed);
    if (plan.ops.length > 0) {
      log.info({ ops: plan.ops.length, drift: plan.drift }, 'OVS changed outside netfleet; reconciling');
      reconciler.enqueueHostPass();
    }
  }, { settleMs: options.settleMs, onError: (e) => log.warn({ err: e }, 'drift check failed') });
  return { changed: watch.changed, start: watch.start, stop: watch.stop };
}
