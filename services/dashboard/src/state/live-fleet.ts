import type { FleetGridAnswer } from '@netfleet/api-types/fleet-answers';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { foldFleet } from '@netfleet/fleet/evolve';
import { FoldedPositions, resumeOf } from '@netfleet/fleet/folded-positions';
import type { HostView } from '@netfleet/fleet/fleet-view';
import type { ApiClient } from '../api/api-client';
import { followEvents, type StreamStatus } from '../api/event-stream';
import { FIRST_SCREEN } from './grid-window';
import { ObservableState } from './observable-state';

export interface LiveState {
  /** Every host of the fleet, live (columns, the hosts list, the network page's liveness). */
  hosts: Record<string, HostView>;
  /** The log position of the last event received (or of the first answer). */
  position: number;
  loaded: boolean;
  status: StreamStatus;
  statusDetail: string | undefined;
  /** The most recent events, newest last (the activity line). */
  recent: RecordedEvent[];
  error: string | undefined;
}

const RECENT = 20;

/**
 * The page's one follower of the event stream. It starts from the grid's first screen (the
 * position and every host with it), keeps the hosts current with
 * the API's own fold, and hands every batch of events to the views on screen (the grid's
 * window, a network's page), which fold what concerns them. Events arriving together are
 * handed over once per frame, so a burst of a thousand costs one render.
 */
export class LiveFleet extends ObservableState<LiveState> {
  private eventListeners = new Set<(events: readonly RecordedEvent[]) => void>();
  private queue: RecordedEvent[] = [];
  private scheduled = false;
  private stopStream: (() => void) | undefined;
  private stopped = false;
  private firstScreen: Promise<FleetGridAnswer> | undefined;
  /** The positions folded into `hosts`: the first answer's, then the stream's. */
  private readonly folded = new FoldedPositions();

  constructor(private readonly api: ApiClient) {
    super({ hosts: {}, position: 0, loaded: false, status: 'connecting', statusDetail: undefined, recent: [], error: undefined });
  }

  /** The first screen of the grid, once (then undefined: later grids ask for their own). */
  takeFirstScreen(): Promise<FleetGridAnswer> | undefined {
    const first = this.firstScreen;
    this.firstScreen = undefined;
    return first;
  }

  async start(): Promise<void> {
    try {
      // The grid's first screen is the first read: it has the position and every host too, and
      // the grid page takes it over instead of asking once more (one round trip less to draw).
      const first = this.api.get<FleetGridAnswer>(FIRST_SCREEN.path);
      this.firstScreen = first;
      const answer = await first;
      if (this.stopped) return;
      this.set({ hosts: Object.fromEntries(answer.hosts.map((h) => [h.name, h])), position: answer.position, loaded: true, error: undefined });
      // From the answer's resume point, not its position: an event below it may commit later.
      const resume = resumeOf(answer);
      this.folded.reset(resume);
      this.stopStream = followEvents(this.api, {
        after: resume.after,
        onEvents: (events) => this.enqueue(events),
        onStatus: (status, detail) => this.set({ status, statusDetail: detail }),
      });
    } catch (e) {
      if (!this.stopped) this.set({ error: (e as Error).message });
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopStream?.();
  }

  /** Every batch of events from now on, in log order (the views on screen skip what they hold). */
  onEvents(listener: (events: readonly RecordedEvent[]) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private enqueue(events: RecordedEvent[]): void {
    for (const e of events) this.queue.push(e);
    if (this.scheduled) return;
    this.scheduled = true;
    // One hand-over and one render per frame however many events came; a hidden tab has no frames.
    const flush = () => { if (this.scheduled) this.flush(); };
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    setTimeout(flush, 100);
  }

  private flush(): void {
    this.scheduled = false;
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return;
    // The fold of the hosts only: network views are the window's business (dropped here).
    const fresh = events.filter((e) => !this.folded.has(e.position));
    const hosts = foldFleet(fresh, { networks: {}, hosts: this.state.hosts, position: this.state.position }).hosts;
    for (const e of fresh) this.folded.add(e.position);
    this.folded.raiseFloor(events.at(-1)!.position);
    for (const listener of this.eventListeners) listener(events);
    this.set({ hosts, position: Math.max(this.state.position, events.at(-1)!.position), recent: [...this.state.recent, ...fresh.slice(-RECENT)].slice(-RECENT) });
  }
}
