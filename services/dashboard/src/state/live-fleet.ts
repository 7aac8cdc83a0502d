import type { FleetAnswer } from '@netfleet/api-types/fleet-answers';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { foldFleet } from '@netfleet/fleet/evolve';
import type { FleetView } from '@netfleet/fleet/fleet-view';
import type { ApiClient } from '../api/api-client';
import { followEvents, type StreamStatus } from '../api/event-stream';


export const fleetOf = (answer: FleetAnswer): FleetView => ({
  networks: Object.fromEntries(answer.networks.map((n) => [n.name, n])),
  hosts: Object.fromEntries(answer.hosts.map((h) => [h.name, h])),
  position: answer.position,
});

export interface LiveState {
  fleet: FleetView;
  loaded: boolean;
  status: StreamStatus;
  statusDetail: string | undefined;
  /** Bumped whenever `fleet` changes, so views can memoise on it. */
  revision: number;
  /** The most recent events, newest last (the activity line). */
  recent: RecordedEvent[];
  error: string | undefined;
}

const RECENT = 20;

/**
 * The fleet now: loaded once from GET /v1/fleet, then kept current by folding the event stream
 * with the very fold the API uses (`@netfleet/fleet/evolve`), starting right after the position
 * the snapshot stands at. Events arriving together are folded in one step per frame, so a burst
 * of a thousand costs one render.
 */
export class LiveFleet {
  state: LiveState = { fleet: { networks: {}, hosts: {}, position: 0 }, loaded: false, status: 'connecting', statusDetail: undefined, revision: 0, recent: [], error: undefined };
  private listeners = new Set<() => void>();
  private queue: RecordedEvent[] = [];
  private scheduled = false;
  private stopStream: (() => void) | undefined;

  constructor(private readonly api: ApiClient) {}

  async start(): Promise<void> {
    try {
      const answer = await this.api.get<FleetAnswer>('/v1/fleet');
      this.set({ fleet: fleetOf(answer), loaded: true, error: undefined });
      this.stopStream = followEvents(this.api, {
        after: answer.position,
        onEvents: (events) => this.enqueue(events),
        onStatus: (status, detail) => this.set({ status, statusDetail: detail }),
      });
    } catch (e) {
      this.set({ error: (e as Error).message });
    }
  }

  stop(): void {
    this.stopStream?.();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private enqueue(events: RecordedEvent[]): void {
    for (const e of events) this.queue.push(e);
    if (this.scheduled) return;
    this.scheduled = true;
    // One fold and one render per frame however many events came; a hidden tab has no frames.
    const flush = () => { if (this.scheduled) this.flush(); };
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    setTimeout(flush, 100);
  }

  private flush(): void {
    this.scheduled = false;
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return;
    const fleet = foldFleet(events, this.state.fleet);
    this.set({ fleet, recent: [...this.state.recent, ...events.slice(-RECENT)].slice(-RECENT) });
  }

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch, revision: this.state.revision + 1 };
    for (const l of this.listeners) l();
  }
}
