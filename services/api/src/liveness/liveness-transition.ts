import type { HostView } from '@netfleet/fleet/fleet-view';

export interface LivenessInput {
  /** The host's view as recorded (undefined: never seen). */
  view: Pick<HostView, 'online'> | undefined;
  /** When this API instance last heard the host's heartbeat (ms), if ever. */
  lastSeenMs: number | undefined;
  nowMs: number;
  /** Silence longer than this means offline. */
  offlineAfterMs: number;
  /** When this instance began listening: it cannot call a host silent before having listened long enough. */
  listeningSinceMs: number;
}

/**
 * The liveness event to record now, if any: HostCameOnline when a heartbeat is fresh but the
 * view says offline (or the host was never seen), HostWentOffline when the view says online but
 * nothing was heard for `offlineAfterMs`. Only changes are recorded. Pure.
 */
export function livenessTransition(input: LivenessInput): 'online' | 'offline' | undefined {
  const { view, lastSeenMs, nowMs, offlineAfterMs, listeningSinceMs } = input;
  const fresh = lastSeenMs !== undefined && nowMs - lastSeenMs <= offlineAfterMs;
  if (fresh && !view?.online) return 'online';
  if (!fresh && view?.online && nowMs - listeningSinceMs > offlineAfterMs) return 'offline';
  return undefined;
}
