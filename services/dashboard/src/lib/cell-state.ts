import type { HostNetworkStatus, HostView, NetworkView } from '@netfleet/fleet/fleet-view';
import { cellStateOf, type CellState } from '@netfleet/fleet/grid-cell';

export { CellState, CELL_STATES, stateOfCode } from '@netfleet/fleet/grid-cell';

export const CELL_LABEL: Record<CellState, string> = {
  running: 'running', failed: 'failed', stopped: 'stopped', pending: 'pending',
  offline: 'pending: host offline', drifted: 'drifted',
};

/** The connection of the datapath's controllers: all up, some down, or none configured/reported. */
export type ControllerHealth = 'connected' | 'disconnected' | 'partial' | 'none';

export interface Cell {
  state: CellState;
  controllers: ControllerHealth;
  /** The latest news of this cell is a drift the agent found and repaired (it runs as desired). */
  driftRepaired: boolean;
  status: HostNetworkStatus | undefined;
}

/**
 * The cell of a network on a host, or undefined when the network is not placed there (and the
 * host has nothing left of it). Pure: a fold's view and the host's liveness in, words out.
 */
export function cellOf(network: Pick<NetworkView, 'hosts' | 'perHost'>, host: string, hostView: HostView | undefined): Cell | undefined {
  const state = cellStateOf(network, host, hostView);
  if (state === undefined) return undefined;
  const status = network.perHost[host];
  if (!status) return { state, controllers: 'none', driftRepaired: false, status };
  const driftRepaired = !!status.lastDrift?.repaired && status.lastDrift.at >= status.updatedAt;
  return { state, controllers: controllerHealth(status), driftRepaired, status };
}

export function controllerHealth(status: HostNetworkStatus): ControllerHealth {
  const list = status.controllers;
  if (list.length === 0) return 'none';
  const up = list.filter((c) => c.connected).length;
  return up === list.length ? 'connected' : up === 0 ? 'disconnected' : 'partial';
}

/** A one-line description of a cell for its tooltip and screen readers. */
export function describeCell(network: string, host: string, cell: Cell): string {
  const s = cell.status;
  const parts = [`${network} on ${host}: ${CELL_LABEL[cell.state]}`];
  if (s) {
    parts.push(`desired ${s.desired}`, `generation ${s.appliedGeneration ?? '–'}/${s.generation}`);
    for (const c of s.controllers) parts.push(`controller ${c.target} ${c.connected ? 'connected' : 'disconnected'}${c.lastError ? ` (${c.lastError})` : ''}`);
    if (s.lastError) parts.push(`error: ${s.lastError}`);
    if (s.lastDrift) parts.push(`drift${s.lastDrift.repaired ? ' (repaired)' : ''}: ${s.lastDrift.differences.join('; ')}`);
  }
  return parts.join(' · ');
}
