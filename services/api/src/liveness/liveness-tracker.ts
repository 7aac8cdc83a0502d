import { createHash } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { BusNames } from '@netfleet/bus/names';
import { isNetfleetError } from '@netfleet/errors/netfleet-error';
import { streamIds } from '@netfleet/events/event-envelope';
import { HostEventType } from '@netfleet/events/host-events';
import { appendToStream, streamVersionOf } from '@netfleet/eventstore/append';
import type { Database } from '@netfleet/eventstore/database';
import { getHostView, listHostViews } from '@netfleet/eventstore/views';
import type { HostView } from '@netfleet/fleet/fleet-view';
import type { Logger } from '@netfleet/log/logger';
import { livenessTransition } from './liveness-transition';

export interface LivenessOptions {
  /** No heartbeat for this long: offline. Default 6 s (three 2-s heartbeats). */
  offlineAfterMs?: number;
  /** How often silence is checked. Default 1 s. */
  checkIntervalMs?: number;
}

/**
 * Hears agents' heartbeats (`<ns>.hb.*`, every API instance hears all) and records HostCameOnline
 * / HostWentOffline on the host's stream when a host's state changes. Several API instances may
 * run: each decides from the recorded view and appends with the host stream's version as the
 * expected version and an event id derived from (host, transition, version), so the same
 * transition is recorded once — the others get a duplicate or a conflict, re-read and find
 * nothing left to do.
 *
 * Time is this instance's monotonic clock, never the agent's (a heartbeat's `sentAt` is not
 * read, so an agent whose clock jumps stays online), nor the wall clock (an NTP step on the API
 * does not silence every host at once). An instance cut off from NATS hears nothing, which says
 * nothing about the hosts: it stops judging silence until it has listened again for a full
 * `offlineAfterMs` after reconnecting — otherwise, beside an instance that still hears them, it
 * would record every host offline and the other online again, over and over.
 */
export class LivenessTracker {
  /** Monotonic ms (see `now`) of each host's last heartbeat heard here. */
  private readonly lastSeen = new Map<string, number>();
  private listeningSince: number;
  /** False while the NATS connection is down: nothing heard then means nothing. */
  private connected = true;
  private stopped = false;
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<string>();
  private readonly offlineAfterMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly db: Database,
    private readonly names: BusNames,
    private readonly log: Logger,
    private readonly options: LivenessOptions = {},
    /** Monotonic milliseconds: only differences are used. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.offlineAfterMs = options.offlineAfterMs ?? 6000;
    this.listeningSince = this.now();
  }

  start(): void {
    this.subscription = this.nc.subscribe(this.names.allHeartbeats, {
      callback: (err, msg) => {
        if (err) { this.log.error({ err }, 'heartbeat subscription failed'); return; }
        const host = this.names.hostOfHeartbeatSubject(msg.subject);
        if (!host) return;
        // The first heartbeat heard, or the first after a silence: judge at once, not at the next tick.
        const previous = this.lastSeen.get(host);
        const first = previous === undefined || this.now() - previous > this.offlineAfterMs;
        this.lastSeen.set(host, this.now());
        if (first) void this.evaluate([host]).catch((e) => this.log.warn({ err: e, host }, "liveness check failed; will retry"));
      },
    });
    this.timer = setInterval(() => void this.tick(), this.options.checkIntervalMs ?? 1000);
    void this.followConnection();
  }

  private async followConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (this.stopped) break;
      if (status.type === 'disconnect') {
        this.connected = false;
        this.log.warn('lost NATS: heartbeats are not heard, so no host is judged offline until they are again');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.listeningSince = this.now();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.subscription?.unsubscribe();
  }

  private async tick(): Promise<void> {
    if (!this.connected) return;
    try {
      const known = (await listHostViews(this.db)).map((h) => h.name);
      await this.evaluate([...new Set([...known, ...this.lastSeen.keys()])]);
    } catch (e) {
      this.log.warn({ err: e }, 'liveness check failed; will retry');
    }
  }

  private async evaluate(hosts: string[]): Promise<void> {
    const views = new Map((await listHostViews(this.db)).map((h) => [h.name, h]));
    for (const host of hosts) {
      if (this.inFlight.has(host)) continue;
      // A cheap first look over all hosts; record() decides again on a consistent read.
      if (!this.transitionOf(views.get(host), host)) continue;
      this.inFlight.add(host);
      try {
        await this.record(host);
      } finally {
        this.inFlight.delete(host);
      }
    }
  }

  private transitionOf(view: HostView | undefined, host: string): 'online' | 'offline' | undefined {
    return livenessTransition({ view, lastSeenMs: this.lastSeen.get(host), nowMs: this.now(), offlineAfterMs: this.offlineAfterMs, listeningSinceMs: this.listeningSince });
  }

  /**
   * Reads the host stream's version FIRST, then its view (updated in the same transaction as
   * every append), decides, and appends expecting that version: a view older than the version is
   * impossible, and anything appended since the version was read makes the append conflict — so
   * two instances never both record the same transition.
   */
  private async record(host: string): Promise<void> {
    const streamId = streamIds.host(host);
    const version = await streamVersionOf(this.db, streamId);
    const view = await getHostView(this.db, host);
    const transition = this.transitionOf(view, host);
    if (!transition) return;
    const lastSeenMs = this.lastSeen.get(host);
    const lastSeen = lastSeenMs !== undefined ? this.wallClockOf(lastSeenMs) : view?.since ?? this.wallClockOf(this.listeningSince);
    const type = transition === 'online' ? HostEventType.HostCameOnline : HostEventType.HostWentOffline;
    const data = transition === 'online' ? { host } : { host, lastSeen };
    try {
      const result = await appendToStream(this.db, {
        streamId, expectedVersion: version,
        events: [{
          eventId: transitionId(host, type, version), type, v: 1, data,
          metadata: { actor: 'netfleet-api', source: 'api', correlationId: `liveness:${host}`, occurredAt: new Date().toISOString() },
        }],
      });
      if (!result.duplicate) this.log.info({ host, transition, lastSeen }, `host ${host} is ${transition}`);
    } catch (e) {
      // Another instance (or an agent's report) moved the stream first: re-read on the next tick.
      if (isNetfleetError(e) && e.code === 'NF_STORE_CONFLICT') return;
      throw e;
    }
  }

  /** The wall-clock time (ISO) of a moment of the monotonic clock, for the record. */
  private wallClockOf(monotonicMs: number): string {
    return new Date(Date.now() - (this.now() - monotonicMs)).toISOString();
  }
}

/** The same transition of the same host at the same stream version has the same id everywhere. */
function transitionId(host: string, type: string, version: number): string {
  const h = createHash('sha256').update(`liveness:${host}:${type}:${version}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
