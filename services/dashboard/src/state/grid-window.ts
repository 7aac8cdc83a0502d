import type { FleetGridAnswer } from '@netfleet/api-types/fleet-answers';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { foldFleet, networkKeyOf } from '@netfleet/fleet/evolve';
import { hostKeyOf } from '@netfleet/fleet/evolve-host';
import { FoldedPositions, resumeOf } from '@netfleet/fleet/folded-positions';
import type { HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import { cellStateOf, GRID_CODE, type CellState, type GridView } from '@netfleet/fleet/grid-cell';
import type { ApiClient } from '../api/api-client';
import type { LiveFleet } from './live-fleet';
import { ObservableState } from './observable-state';

export interface GridFilters { name: string; labels: string; state: CellState | '' }

/** The rows and columns the grid draws: [firstRow, lastRow) × [firstCol, lastCol). */
export interface GridRange { firstRow: number; lastRow: number; firstCol: number; lastCol: number }

/** A row held: its network's name, codes for every column, and its view for the window's columns. */
export interface GridRow { name: string; active: boolean; codes: string; view: GridView | undefined }

export interface GridState {
  loaded: boolean;
  error: string | undefined;
  /** The log position the rows and views stand at. */
  position: number;
  /** Networks matching the filters, and the cells per state (the server's, as of its last answer). */
  total: number;
  counts: Partial<Record<CellState, number>>;
  /** The columns: hosts matching the label filter, by name. */
  hosts: HostView[];
  /** Rows held: `rows[i]` is row `offset + i`. */
  offset: number;
  rows: GridRow[];
  /** The columns whose cells have their whole status in the rows' views. */
  hostOffset: number;
  hostLimit: number;
}

/** Rows and columns fetched beyond what is drawn, so scrolling a little needs no request. */
const ROW_MARGIN = 30;
const COL_MARGIN = 6;
const MAX_ROWS = 500;
const MAX_WINDOW_HOSTS = 100;

export type GridSource = { live: LiveFleet } | { at: string };

/** The range drawn before the grid has measured itself: a screen from the top left. */
const FIRST_RANGE: GridRange = { firstRow: 0, lastRow: 40, firstCol: 0, lastCol: 12 };

/** The first screen of the grid, unfiltered: what the page asks for as soon as it has a token. */
export const FIRST_SCREEN = {
  hostLimit: FIRST_RANGE.lastCol + COL_MARGIN,
  path: `/v1/fleet/grid?offset=0&limit=${FIRST_RANGE.lastRow + ROW_MARGIN}&hostOffset=0&hostLimit=${FIRST_RANGE.lastCol + COL_MARGIN}`,
};

/**
 * The part of the fleet grid on screen, from GET /v1/fleet/grid: codes for the rows around
 * the view (every column), and for the columns around it each cell's whole status. Filters are
 * sent to the server. Live (no `at`): every batch of events is folded, with the API's own fold,
 * into the views held, so the cells on screen change at once; the page is fetched again (one
 * request at a time, the latest wish last) when what is held cannot say it alone: counts and
 * rows of the whole fleet, rows or columns scrolled into view.
 */
export class GridWindow extends ObservableState<GridState> {
  private range: GridRange = FIRST_RANGE;
  private inFlight = false;
  /** What to ask once the request out is answered: none, counts and codes only, or everything. */
  private again: 'none' | 'codes' | 'full' = 'none';
  /** The highest position folded into the views held (the codes and counts may stand elsewhere). */
  private viewsAt = 0;
  /** Every position folded into the views held: an event is folded once, also one committed late. */
  private readonly folded = new FoldedPositions();
  /** Events received while a request is out: folded on top of its answer (those it does not hold). */
  private sinceRequest: RecordedEvent[] | undefined;
  private generation = 0;
  private stopped = false;
  private unfollow: (() => void) | undefined;

  constructor(private readonly api: ApiClient, private readonly source: GridSource, private filters: GridFilters) {
    super({ loaded: false, error: undefined, position: 0, total: 0, counts: {}, hosts: [], offset: 0, rows: [], hostOffset: 0, hostLimit: 0 });
  }

  start(): void {
    if ('live' in this.source) this.unfollow = this.source.live.onEvents((events) => this.onEvents(events));
    // The live fleet asked for the first screen beside its log-in: taken over, not asked again.
    const first = 'live' in this.source && !this.filters.name && !this.filters.labels && !this.filters.state ? this.source.live.takeFirstScreen() : undefined;
    if (first) void this.fetch('full', first);
    else this.request('full');
  }

  stop(): void {
    this.stopped = true;
    this.unfollow?.();
  }

  setFilters(filters: GridFilters): void {
    if (filters.name === this.filters.name && filters.labels === this.filters.labels && filters.state === this.filters.state) return;
    this.filters = filters;
    this.generation++;
    this.request('full');
  }

  /** What the grid draws now; fetched when it leaves what is held. */
  setRange(range: GridRange): void {
    this.range = range;
    if (this.state.loaded && !this.holds(range)) this.request('full');
  }

  private holds(r: GridRange): boolean {
    const s = this.state;
    const lastRow = Math.min(r.lastRow, s.total);
    const lastCol = Math.min(r.lastCol, s.hosts.length);
    return r.firstRow >= s.offset && lastRow <= s.offset + s.rows.length
      && (lastCol <= r.firstCol || (r.firstCol >= s.hostOffset && lastCol <= s.hostOffset + s.hostLimit));
  }

  /**
   * `codes`: the rows held again with their codes and the counts, not the views (those are
   * current, folded from the stream): a live refresh costs a few kB, not the window's statuses.
   */
  private request(kind: 'codes' | 'full'): void {
    if (this.stopped) return;
    if (this.inFlight) { if (this.again !== 'full') this.again = kind; return; }
    void this.fetch(kind);
  }

  private async fetch(kind: 'codes' | 'full', firstScreen?: Promise<FleetGridAnswer>): Promise<void> {
    this.inFlight = true;
    this.again = 'none';
    const generation = this.generation;
    const r = firstScreen ? FIRST_RANGE : this.range;
    const held = this.state;
    // Codes only: the same rows and window as held, so every row keeps its view.
    const offset = kind === 'codes' ? held.offset : Math.max(0, r.firstRow - ROW_MARGIN);
    const limit = kind === 'codes' ? Math.max(1, held.rows.length) : Math.max(1, Math.min(MAX_ROWS, r.lastRow - offset + ROW_MARGIN));
    const hostOffset = kind === 'codes' ? held.hostOffset : Math.max(0, r.firstCol - COL_MARGIN);
    const hostLimit = kind === 'codes' ? held.hostLimit : Math.max(1, Math.min(MAX_WINDOW_HOSTS, r.lastCol - hostOffset + COL_MARGIN));
    const query = new URLSearchParams({ offset: String(offset), limit: String(limit), hostOffset: String(hostOffset), hostLimit: String(kind === 'codes' ? 0 : hostLimit) });
    if (this.filters.name.trim()) query.set('name', this.filters.name.trim());
    if (this.filters.labels.trim()) query.set('labels', this.filters.labels.trim());
    if (this.filters.state) query.set('state', this.filters.state);
    if ('at' in this.source) query.set('at', this.source.at);
    // A live refresh needs what the stream brought, no more: the API has it at once (its own
    // reader fed the stream), instead of waiting for the log's head.
    else if (kind === 'codes') query.set('minPosition', String(this.viewsAt));
    this.sinceRequest = [];
    try {
      const answer = await (firstScreen ?? this.api.get<FleetGridAnswer>(`/v1/fleet/grid?${query}`));
      if (this.stopped || generation !== this.generation) return;
      if (kind === 'full') {
        this.applyFull(answer, hostLimit, this.sinceRequest);
        // The stream this follows may have started after this answer's position (the page's
        // first moments): what lies between would be missing from the views, so ask again (the
        // API answers at least at the log's head when asked).
        if ('live' in this.source && answer.position < this.source.live.state.position) this.again = 'full';
      } else if (!this.applyCodes(answer)) this.again = 'full';
    } catch (e) {
      if (!this.stopped && generation === this.generation) this.set({ error: (e as Error).message });
    } finally {
      this.inFlight = false;
      this.sinceRequest = undefined;
      const next = generation !== this.generation || (this.state.loaded && !this.holds(this.range)) ? 'full' : this.again;
      if (next !== 'none') this.request(next);
    }
  }

  private applyFull(answer: FleetGridAnswer, hostLimit: number, later: readonly RecordedEvent[]): void {
    const hosts = answer.hosts as HostView[];
    const rows: GridRow[] = answer.networks.map((n, i) => ({ name: n.name, active: n.active, codes: answer.cells[i]!, view: answer.views[i] as GridView | undefined }));
    this.state = {
      loaded: true, error: undefined, position: answer.position, total: answer.totalNetworks, counts: answer.counts as GridState['counts'],
      hosts, offset: answer.offset, rows, hostOffset: answer.hostOffset, hostLimit,
    };
    this.viewsAt = answer.position;
    this.folded.reset(resumeOf(answer));
    const fresh = later.filter((e) => !this.folded.has(e.position));
    if (fresh.length > 0) this.fold(fresh);
    else this.set({});
  }

  /**
   * Codes and counts again for the rows held; each row keeps the view it has (folded from the
   * stream, so as current as the answer or more). False when a row came that has none: then
   * the window must be fetched whole.
   */
  private applyCodes(answer: FleetGridAnswer): boolean {
    const s = this.state;
    const views = new Map(s.rows.map((r) => [r.name, r.view]));
    if (answer.networks.some((n) => !views.get(n.name)) || answer.hosts.length !== s.hosts.length) return false;
    // The views are ahead of the answer or will be once the stream brings what it has.
    const byName = new Map(s.hosts.map((h) => [h.name, h]));
    const hosts = (answer.hosts as HostView[]).map((h) => (this.viewsAt >= answer.position ? byName.get(h.name) ?? h : h));
    const rows = answer.networks.map((n, i) => {
      const view = views.get(n.name)!;
      return { name: n.name, active: view.active, view, codes: this.viewsAt >= answer.position ? this.windowCodes(answer.cells[i]!, view, hosts) : answer.cells[i]! };
    });
    this.set({ total: answer.totalNetworks, counts: answer.counts as GridState['counts'], offset: answer.offset, rows, hosts, position: Math.max(answer.position, this.viewsAt) });
    return true;
  }

  private onEvents(events: readonly RecordedEvent[]): void {
    this.sinceRequest?.push(...events);
    if (!this.state.loaded) return;
    const fresh = events.filter((e) => !this.folded.has(e.position));
    // The stream is in log order and never passes an event in flight: complete up to its last.
    this.folded.raiseFloor(events.at(-1)!.position);
    if (fresh.length === 0) return;
    this.fold(fresh);
    // Counts and rows cover the whole fleet: only the server can say them again.
    if (fresh.some((e) => networkKeyOf(e) !== undefined || hostKeyOf(e) !== undefined)) this.request('codes');
  }

  /** A row's codes with its window's columns drawn from its view. */
  private windowCodes(codes: string, view: Pick<NetworkView, 'hosts' | 'perHost'>, hosts: readonly HostView[]): string {
    const s = this.state;
    const out = codes.split('');
    const end = Math.min(hosts.length, s.hostOffset + s.hostLimit);
    for (let c = s.hostOffset; c < end; c++) out[c] = GRID_CODE[cellStateOf(view, hosts[c]!.name, hosts[c]) ?? 'none'];
    return out.join('');
  }

  /** Folds events into the views held and redraws their window's codes. */
  private fold(events: readonly RecordedEvent[]): void {
    const s = this.state;
    const networks: Record<string, NetworkView> = {};
    // The fold takes whole views; the grid never shows a definition, so it holds none.
    for (const row of s.rows) if (row.view) networks[row.name] = { ...row.view, xml: '' };
    const fleet = foldFleet(events, { networks, hosts: Object.fromEntries(s.hosts.map((h) => [h.name, h])), position: this.viewsAt });
    for (const e of events) this.folded.add(e.position);
    const hosts = s.hosts.map((h) => fleet.hosts[h.name] ?? h);
    const rows = s.rows.map((row) => {
      const view = fleet.networks[row.name];
      if (!row.view || !view) return row;
      return { ...row, active: view.active, view, codes: this.windowCodes(row.codes, view, hosts) };
    });
    // An event committed late does not take the views' position back.
    this.viewsAt = Math.max(this.viewsAt, fleet.position);
    this.set({ rows, hosts, position: Math.max(s.position, this.viewsAt) });
  }
}
