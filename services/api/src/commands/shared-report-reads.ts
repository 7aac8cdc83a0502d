import type { HostView } from '@netfleet/fleet/fleet-view';
import type { Database } from '@netfleet/eventstore/database';
import { readAllHostReports, type PositionedHostReport } from '@netfleet/eventstore/host-reports';
import { listHostViews } from '@netfleet/eventstore/views';

export interface ReportSnapshot { reports: PositionedHostReport[]; hostViews: HostView[] }

/**
 * The reads every `--wait` needs after a commit, done once for all of them: hosts' reports since
 * the oldest active waiter's command, and the host views. Without sharing, W concurrent waits
 * each ran both queries on every commit (W × commits queries: 200 concurrent `net-start --wait`
 * took 87 s on two cores); now it is one pair per round, whatever W is.
 * A caller always gets a read that STARTED after it asked (else it could miss the commit that
 * woke it): while a read runs, later callers share the next one.
 */
export class SharedReportReads {
  private readonly active = new Map<symbol, number>();
  private current: Promise<ReportSnapshot> | undefined;
  private next: Promise<ReportSnapshot> | undefined;

  constructor(private readonly db: Database) {}

  /** Registers a waiter interested in reports after `afterPosition`; returns its release. */
  register(afterPosition: number): () => void {
    const key = Symbol('waiter');
    this.active.set(key, afterPosition);
    return () => { this.active.delete(key); };
  }

  fresh(): Promise<ReportSnapshot> {
    if (!this.current) {
      this.current = this.load().finally(() => { this.current = undefined; });
      return this.current;
    }
    this.next ??= this.current.catch(() => undefined).then(() => { this.next = undefined; return this.fresh(); });
    return this.next;
  }

  private async load(): Promise<ReportSnapshot> {
    const after = Math.min(...this.active.values());
    const [reports, hostViews] = await Promise.all([
      Number.isFinite(after) ? readAllHostReports(this.db, after) : Promise.resolve([]),
      listHostViews(this.db),
    ]);
    return { reports, hostViews };
  }
}
