import { useEffect, useMemo, useState } from 'preact/hooks';
import type { HostView } from '@netfleet/fleet/fleet-view';
import { CELL_LABEL, CELL_STATES, type CellState } from '../lib/cell-state';
import { formatAge, formatTime } from '../lib/format-time';
import { GridWindow, type GridFilters, type GridState } from '../state/grid-window';
import type { LiveFleet } from '../state/live-fleet';
import type { Session } from './app';
import { FleetGrid } from './fleet-grid';
import { TimeSlider, type PastMoment } from './time-slider';

/** The fleet grid with its filters, the hosts list, and the time slider. */
export function FleetPage({ session, livePosition }: { session: Session; livePosition: number }) {
  const [past, setPast] = useState<PastMoment | undefined>();
  const [labels, setLabels] = useState('');
  const [name, setName] = useState('');
  const [state, setState] = useState<CellState | ''>('');
  const filters = useMemo<GridFilters>(() => ({ name, labels, state }), [name, labels, state]);
  const { grid, window } = useGridWindow(session, session.live, past?.position, filters);
  const hosts = grid.hosts;

  return (
    <div class="fleet-page">
      <h1 class="sr-only">Fleet</h1>
      <TimeSlider api={session.api} livePosition={livePosition} past={past} onPast={setPast} />
      <form class="filters" role="search" aria-label="Filter the grid" onSubmit={(e) => e.preventDefault()}>
        <label>Network name <input type="search" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="part of a name" /></label>
        <label>Host labels <input type="search" value={labels} onInput={(e) => setLabels(e.currentTarget.value)} placeholder="rack=a,zone=1" /></label>
        <label>State <select value={state} onChange={(e) => setState(e.currentTarget.value as CellState | '')}>
          <option value="">any</option>
          {CELL_STATES.map((s) => <option key={s} value={s}>{CELL_LABEL[s]}</option>)}
        </select></label>
        <p class="counts" aria-live="polite" data-testid="grid-counts">
          {grid.total} networks × {hosts.length} hosts
          {CELL_STATES.filter((s) => grid.counts[s]).map((s) => <span key={s} class={`count s-${s}`}> · {grid.counts[s]} {CELL_LABEL[s]}</span>)}
        </p>
      </form>
      {grid.error && <p class="error" role="alert">Could not load the grid: {grid.error}</p>}
      <div class="fleet-body">
        {!grid.loaded ? <p class="loading" role="status">Loading the fleet…</p>
          : <FleetGrid total={grid.total} hosts={hosts} past={!!past}
              rowAt={(r) => grid.rows[r - grid.offset]}
              windowCols={{ first: grid.hostOffset, end: grid.hostOffset + grid.hostLimit }}
              onRange={(range) => window.setRange(range)} />}
        <HostList hosts={hosts} />
      </div>
    </div>
  );
}

/** The grid window for now (live) or for a past position, re-rendering on every change. */
function useGridWindow(session: Session, live: LiveFleet, pastPosition: number | undefined, filters: GridFilters): { grid: GridState; window: GridWindow } {
  const window = useMemo(() => new GridWindow(session.api, pastPosition === undefined ? { live } : { at: String(pastPosition) }, filters), [session.api, live, pastPosition]);
  const [grid, setGrid] = useState(window.state);
  useEffect(() => {
    setGrid(window.state);
    const off = window.subscribe(() => setGrid(window.state));
    window.start();
    return () => { off(); window.stop(); };
  }, [window]);
  useEffect(() => window.setFilters(filters), [window, filters]);
  return { grid, window };
}

function HostList({ hosts }: { hosts: HostView[] }) {
  return (
    <section class="hosts" aria-labelledby="hosts-title">
      <h2 id="hosts-title">Hosts ({hosts.filter((h) => h.online).length} of {hosts.length} online)</h2>
      <ul>
        {hosts.map((h) => (
          <li key={h.name} class={h.online ? 'online' : 'offline'} data-host={h.name}>
            <span class="host-name">{h.name}</span>
            <span class="liveness">{h.online ? '● online' : '○ offline'}</span>
            <span class="since" title={formatTime(h.since)}>since {formatTime(h.since)} ({formatAge(h.since)})</span>
            {Object.keys(h.labels).length > 0 && <span class="labels">{Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(', ')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
