import type { HostView, NetworkView } from './fleet-view';
import { matchesLabels } from './label-selector';

/** What one grid cell says about a network on a host: the dashboard's words, the grid's codes. */
export const CellState = {
  Running: 'running',
  Failed: 'failed',
  Stopped: 'stopped',
  Pending: 'pending',
  Offline: 'offline',
  Drifted: 'drifted',
} as const;
export type CellState = (typeof CellState)[keyof typeof CellState];
export const CELL_STATES: readonly CellState[] = Object.values(CellState);

/**
 * The state of a network's cell on a host, or undefined when the network is not placed there
 * (and the host has nothing left of it). Pure: the fold's view and the host's liveness in.
 */
export function cellStateOf(network: Pick<NetworkView, 'hosts' | 'perHost'>, host: string, hostView: HostView | undefined): CellState | undefined {
  const status = network.perHost[host];
  if (!status) return network.hosts.includes(host) ? CellState.Stopped : undefined; // placed, never asked
  if (status.observed === 'pending') return hostView && !hostView.online ? CellState.Offline : CellState.Pending;
  // A drift the agent could not repair: OVS differs from the definition.
  if (status.lastDrift && !status.lastDrift.repaired && status.observed === 'running') return CellState.Drifted;
  return status.observed;
}

/** One character per cell state in GET /v1/fleet/grid (`.`: not placed). */
export const GRID_CODE: Record<CellState | 'none', string> = {
  none: '.', running: 'r', failed: 'f', stopped: 's', pending: 'p', offline: 'o', drifted: 'd',
};

const STATE_OF_CODE: Record<string, CellState | undefined> = Object.fromEntries(CELL_STATES.map((state) => [GRID_CODE[state], state]));

/** A GRID_CODE character back to its state (undefined: not placed, or not a code). */
export const stateOfCode = (code: string | undefined): CellState | undefined => (code === undefined ? undefined : STATE_OF_CODE[code]);

export interface GridQuery {
  /** First matching network (row) of the page, and how many rows at most. */
  offset: number;
  limit: number;
  /**
   * The columns whose cells come with their whole status (`views`): what is on screen. The
   * codes cover every column; 0 columns: codes only.
   */
  hostOffset: number;
  hostLimit: number;
  /** Part of a network name (case-insensitive); empty: any. */
  name: string;
  /** Host label selector (`rack=r1,zone=z1`, see label-selector.ts); empty: every host. */
  labels: string;
  /** Only networks with at least one cell in this state. */
  state: CellState | undefined;
}

/**
 * A row's network for the cells on screen: its view without the definition, and the status of
 * the window's columns only (without their ports). Folding events into it keeps those cells current (the dashboard).
 */
export type GridView = Omit<NetworkView, 'xml'>;

export interface FleetGrid {
  position: number;
  /** Networks matching the filters, over all pages. */
  totalNetworks: number;
  offset: number;
  /** The columns: hosts matching the label selector, by name. */
  hosts: HostView[];
  /** The rows of this page, by name. */
  networks: { name: string; active: boolean }[];
  /** One string per row, one GRID_CODE character per column. */
  cells: string[];
  /** The first column of the window `views` cover. */
  hostOffset: number;
  /** One per row when the query asked for a window of columns (hostLimit > 0), else none. */
  views: GridView[];
  /** Cells per state of the networks matching the name and the hosts matching the labels (all pages, whatever the state filter: the grid's counts). */
  counts: Partial<Record<CellState, number>>;
}

/**
 * A page of the fleet grid, compact: a row is a string of one-character state codes, so 1,000
 * networks on 100 hosts are ~100 KB instead of the views' ~39 MB at full placement. Pure.
 */
export function fleetGrid(fleet: { position: number; networks: readonly NetworkView[]; hosts: readonly HostView[] }, query: GridQuery): FleetGrid {
  const hosts = fleet.hosts.filter((h) => matchesLabels(h.labels, query.labels)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const needle = query.name.trim().toLowerCase();
  const counts: Partial<Record<CellState, number>> = {};
  const rows: { network: NetworkView; cells: string }[] = [];
  for (const network of [...fleet.networks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (needle && !network.name.toLowerCase().includes(needle)) continue;
    let cells = '';
    let keep = query.state === undefined;
    for (const host of hosts) {
      const state = cellStateOf(network, host.name, host);
      cells += GRID_CODE[state ?? 'none'];
      if (state === undefined) continue;
      counts[state] = (counts[state] ?? 0) + 1;
      if (state === query.state) keep = true;
    }
    if (keep) rows.push({ network, cells });
  }
  const page = rows.slice(query.offset, query.offset + query.limit);
  const window = query.hostLimit > 0 ? hosts.slice(query.hostOffset, query.hostOffset + query.hostLimit).map((h) => h.name) : [];
  return {
    position: fleet.position, totalNetworks: rows.length, offset: query.offset,
    hosts,
    networks: page.map((r) => ({ name: r.network.name, active: r.network.active })),
    cells: page.map((r) => r.cells),
    hostOffset: query.hostOffset,
    views: window.length > 0 ? page.map((r) => windowViewOf(r.network, window)) : [],
    counts,
  };
}

/** A network's view for the cells of `hosts` only, without its definition or ports (no cell shows them). */
function windowViewOf(network: NetworkView, hosts: readonly string[]): GridView {
  const { xml: _definition, perHost, ...rest } = network;
  const statuses: Record<string, NetworkView['perHost'][string]> = {};
  for (const host of hosts) {
    const status = perHost[host];
    if (!status) continue;
    const { ports: _ports, ...withoutPorts } = status;
    statuses[host] = withoutPorts;
  }
  return { ...rest, perHost: statuses };
}
