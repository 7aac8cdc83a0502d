import { useMemo, useState } from 'preact/hooks';
import type { FleetView, HostView } from '@netfleet/fleet/fleet-view';
import { CELL_LABEL, CELL_STATES, cellOf, type CellState } from '../lib/cell-state';
import { formatAge, formatTime } from '../lib/format-time';
import { matchesLabels } from '@netfleet/fleet/label-selector';
import type { LiveState } from '../state/live-fleet';
import type { Session } from './app';
import { FleetGrid } from './fleet-grid';
import { TimeSlider, type PastFleet } from './time-slider';

/** The fleet grid with its filters, the hosts list, and the time slider. */
export function FleetPage({ session, live }: { session: Session; live: LiveState }) {
  const [past, setPast] = useState<PastFleet | undefined>();
  const [labels, setLabels] = useState('');
  const [name, setName] = useState('');
  const [state, setState] = useState<CellState | ''>('');
  const fleet: FleetView = past?.fleet ?? live.fleet;

  const { networks, hosts, counts } = useMemo(() => {
    const hosts = Object.values(fleet.hosts).filter((h) => matchesLabels(h.labels, labels)).sort((a, b) => a.name.localeCompare(b.name));
    const needle = name.trim().toLowerCase();
    const counts: Record<string, number> = {};
    const networks = Object.values(fleet.networks).filter((n) => {
      if (needle && !n.name.toLowerCase().includes(needle)) return false;
      let keep = state === '';
      for (const h of hosts) {
        const cell = cellOf(n, h.name, h);
        if (!cell) continue;
        counts[cell.state] = (counts[cell.state] ?? 0) + 1;
        if (cell.state === state) keep = true;
      }
      return keep;
    }).sort((a, b) => a.name.localeCompare(b.name));
    return { networks, hosts, counts };
  }, [fleet, labels, name, state]);

  return (
    <div class="fleet-page">
      <h1 class="sr-only">Fleet</h1>
      <TimeSlider api={session.api} livePosition={live.fleet.position} past={past} onPast={setPast} />
      <form class="filters" role="search" aria-label="Filter the grid" onSubmit={(e) => e.preventDefault()}>
        <label>Network name <input type="search" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="part of a name" /></label>
        <label>Host labels <input type="search" value={labels} onInput={(e) => setLabels(e.currentTarget.value)} placeholder="rack=a,zone=1" /></label>
        <label>State <select value={state} onChange={(e) => setState(e.currentTarget.value as CellState | '')}>
          <option value="">any</option>
          {CELL_STATES.map((s) => <option key={s} value={s}>{CELL_LABEL[s]}</option>)}
        </select></label>
        <p class="counts" aria-live="polite" data-testid="grid-counts">
          {networks.length} networks × {hosts.length} hosts
          {CELL_STATES.filter((s) => counts[s]).map((s) => <span key={s} class={`count s-${s}`}> · {counts[s]} {CELL_LABEL[s]}</span>)}
        </p>
      </form>
      <div class="fleet-body">
        {!live.loaded && !past ? <p class="loading" role="status">Loading the fleet…</p>
          : <FleetGrid networks={networks} hosts={hosts} hostByName={fleet.hosts} past={!!past} />}
        <HostList hosts={hosts} />
      </div>
    </div>
  );
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
