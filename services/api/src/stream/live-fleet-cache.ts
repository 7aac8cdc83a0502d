import type { CloudEventV1 } from '@netfleet/events/cloud-event';
import { fromCloudEvent } from '@netfleet/events/cloud-event';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { Database } from '@netfleet/eventstore/database';
import { readLiveFleet } from '@netfleet/eventstore/fleet-at';
import { readFoldablePages } from '@netfleet/eventstore/read';
import { logHeadPosition } from '@netfleet/eventstore/store-gauges';
import { foldFleet, type FoldableEvent } from '@netfleet/fleet/evolve';
import { FoldedPositions, type StreamResume } from '@netfleet/fleet/folded-positions';
import type { FleetView } from '@netfleet/fleet/fleet-view';
import type { Logger } from '@netfleet/log/logger';

/** Where the log's events come from, in order: the event stream's one reader (EventStreamHub). */
export interface LogPages {
  onPage(listener: (events: readonly CloudEventV1[]) => void): void;
}

/** The fleet now, and where a client that holds it follows the event stream from. */
export type LiveFleet = FleetView & { resume: StreamResume };

/** How long a read waits for the reader to bring the log's head before reading the rest itself. */
const CATCH_UP_MS = 300;

/**
 * The fleet view now, in this API's memory: read from the store's views once (on first use),
 * then kept current by folding, with the API's own fold, every page the event stream's reader
 * reads. A grid page of a 100,000-cell fleet is then computed from memory in milliseconds
 * instead of parsing the whole 39 MB of views at every request.
 *
 * Read-your-writes: `current()` first asks the store for its head and waits until the fold has
 * reached it (so a client that just appended sees its event); if the reader lags past
 * CATCH_UP_MS, it reads the events it lacks from the store itself (a page or two: never the
 * whole views again) and folds them.
 *
 * Folded once each, by position: a transaction may commit an event at a lower position than one
 * already folded (positions are taken at insert), so "folded up to P" is not one number. The
 * cache keeps a floor — every position up to it that exists is folded, moved only by the reader's
 * pages, which never pass an event still in flight — and the positions folded above it; a client
 * gets both with the fleet (`resume`), to follow the stream without losing such an event.
 */
export class LiveFleetCache {
  private fleet: FleetView | undefined;
  /** The positions folded into `fleet`. */
  private readonly folded = new FoldedPositions();
  /** Pages read while the snapshot is being read: folded on top of it (those after its position). */
  private buffered: RecordedEvent[] | undefined;
  private loading: Promise<FleetView> | undefined;
  private waiters: { position: number; resolve: () => void }[] = [];
  /** Pages handed over and not folded yet (folded on the next turn of the event loop). */
  private pending: (readonly CloudEventV1[])[] = [];

  constructor(private readonly db: Database, pages: LogPages, private readonly log: Logger) {
    pages.onPage((envelopes) => this.onPage(envelopes));
  }

  /**
   * The fleet at (at least) `minPosition` — a position the client saw on the event stream, which
   * the reader has then folded already — or, without it, at the log's head when called.
   */
  async current(minPosition?: number): Promise<LiveFleet> {
    // The committed head, not the settled one: a long transaction anywhere in the cluster holds
    // "settled" back (and the reader with it), and then only the store's views have the head.
    const [head, fleet] = await Promise.all([minPosition ?? logHeadPosition(this.db), this.fleet ?? this.load()]);
    if (fleet.position >= head) return this.answer();
    if (await this.reached(head, CATCH_UP_MS)) return this.answer();
    this.log.debug({ head, folded: this.fleet!.position }, 'the event stream\'s reader lags the log; reading the rest from the store');
    // Everything committed up to the head; an event below it still in flight is folded when the
    // reader brings it (its position is neither under the floor nor among those folded).
    for await (const page of readFoldablePages(this.db, { after: this.folded.after, untilPosition: head, inFlightGuard: false })) this.fold(page, false);
    return this.answer();
  }

  /** The fleet and its resume point, taken together (no fold between them). */
  private answer(): LiveFleet {
    return { ...this.fleet!, resume: this.folded.resume };
  }

  private onPage(envelopes: readonly CloudEventV1[]): void {
    if (!this.fleet && !this.buffered) return; // nobody asked yet: the first read takes the store's views
    // The reader hands pages over before writing them to SSE clients: fold after that, not before.
    this.pending.push(envelopes);
    if (this.pending.length === 1) setImmediate(() => this.takePending());
  }

  private takePending(): void {
    const events = this.pending.flatMap((page) => page.map((e) => fromCloudEvent(e)));
    this.pending = [];
    if (this.buffered) this.buffered.push(...events);
    else if (this.fleet) this.fold(events, true);
  }

  /** Folds the events not folded yet; `fromReader`: a page of the reader (complete up to its last). */
  private fold(events: readonly FoldableEvent[], fromReader: boolean): void {
    const fleet = this.fleet!;
    const fresh = events.filter((e) => !this.folded.has(e.position));
    if (fresh.length > 0) {
      // An older event folded late does not take the view's position back.
      const position = Math.max(fleet.position, ...fresh.map((e) => e.position));
      this.fleet = { ...foldFleet(fresh, fleet), position };
      for (const e of fresh) this.folded.add(e.position);
    }
    if (fromReader && events.length > 0) this.folded.raiseFloor(events.at(-1)!.position);
    const position = this.fleet!.position;
    const due = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const w of due) w.resolve();
  }

  /**
   * Reads the store's views and their checkpoint in one snapshot. Pages the reader hands over
   * meanwhile are kept and folded on top: any event after the checkpoint is either among them
   * or not read yet (the snapshot is taken after buffering started).
   */
  private load(): Promise<FleetView> {
    this.loading ??= (async () => {
      this.buffered = [];
      try {
        const snapshot = await readLiveFleet(this.db);
        const pending = this.buffered;
        this.buffered = undefined;
        const base: FleetView = {
          position: snapshot.position,
          networks: Object.fromEntries(snapshot.networks.map((n) => [n.name, n])),
          hosts: Object.fromEntries(snapshot.hosts.map((h) => [h.name, h])),
        };
        this.fleet = base;
        this.folded.reset({ after: snapshot.settled, folded: snapshot.seenAfterSettled });
        this.fold(pending, true);
        return this.fleet;
      } finally {
        this.buffered = undefined;
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private reached(position: number, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.waiters.push({ position, resolve: () => { clearTimeout(timer); resolve(true); } });
    });
  }
}
