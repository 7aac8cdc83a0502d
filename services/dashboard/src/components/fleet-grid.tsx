import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { HostView } from '@netfleet/fleet/fleet-view';
import { CELL_LABEL, cellOf, describeCell, stateOfCode, type Cell } from '../lib/cell-state';
import type { GridRange, GridRow } from '../state/grid-window';
import { networkHref } from '../state/route';

const ROW = 30;
const HEAD = 44;
const COL = 136;
const OVERSCAN = 4;

export interface FleetGridProps {
  /** Rows matching the filters; `rowAt` has those the page holds (the rest draw as loading). */
  total: number;
  rowAt(row: number): GridRow | undefined;
  hosts: HostView[];
  /** The columns whose cells have their whole status in the rows' views. */
  windowCols: { first: number; end: number };
  past: boolean;
  /** What is drawn now, so the page holding the rows can fetch what comes into view. */
  onRange(range: GridRange): void;
}

const CONTROLLER_TEXT: Record<Cell['controllers'], string> = { connected: 'ctl up', disconnected: 'ctl down', partial: 'ctl part', none: '' };

/**
 * Networks (rows) × hosts (columns), virtualised both ways: only the rows and columns in view
 * (plus a few) are in the DOM, and only those are fetched, so a thousand networks on a hundred
 * hosts scroll like ten. A cell in the window of fetched columns shows its whole status (state,
 * controllers, drift, the tooltip); one just scrolled into view shows its state code until its
 * status arrives. The grid is one tab stop; arrow keys, Home/End and PageUp/PageDown move the
 * active cell (kept in view), Enter opens its network.
 */
export function FleetGrid({ total, rowAt, hosts, windowCols, past, onRange }: FleetGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, left: 0, width: 1200, height: 600 });
  const [active, setActive] = useState({ row: 0, col: -1 });
  const frame = useRef(0);
  const rowHead = view.width < 640 ? 140 : 220;

  useLayoutEffect(() => {
    const el = scroller.current!;
    const measure = () => setView({ top: el.scrollTop, left: el.scrollLeft, width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = scroller.current!;
      setView((v) => ({ ...v, top: el.scrollTop, left: el.scrollLeft }));
    });
  };

  // Keep the active cell inside the grid as rows/columns come and go (filters, live changes).
  useEffect(() => {
    if (active.row >= total || active.col >= hosts.length) setActive({ row: Math.max(0, Math.min(active.row, total - 1)), col: Math.min(active.col, hosts.length - 1) });
  }, [total, hosts.length]);

  const firstRow = Math.max(0, Math.floor(view.top / ROW) - OVERSCAN);
  const wantedLastRow = Math.ceil((view.top + view.height - HEAD) / ROW) + OVERSCAN;
  const lastRow = Math.min(total, wantedLastRow);
  const firstCol = Math.max(0, Math.floor(view.left / COL) - OVERSCAN);
  const wantedLastCol = Math.ceil((view.left + view.width - rowHead) / COL) + OVERSCAN;
  const lastCol = Math.min(hosts.length, wantedLastCol);
  const width = rowHead + hosts.length * COL;
  // What would be drawn however many rows there are: the page asks for it before it knows.
  useEffect(() => onRange({ firstRow, lastRow: wantedLastRow, firstCol, lastCol: wantedLastCol }), [firstRow, wantedLastRow, firstCol, wantedLastCol]);

  const reveal = (row: number, col: number) => {
    const el = scroller.current!;
    const y = row * ROW;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW > el.scrollTop + el.clientHeight - HEAD) el.scrollTop = y + ROW - (el.clientHeight - HEAD);
    if (col >= 0) {
      const x = col * COL;
      if (x < el.scrollLeft) el.scrollLeft = x;
      else if (x + COL > el.scrollLeft + el.clientWidth - rowHead) el.scrollLeft = x + COL - (el.clientWidth - rowHead);
    } else el.scrollLeft = 0;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (total === 0) return;
    const page = Math.max(1, Math.floor((view.height - HEAD) / ROW) - 1);
    let { row, col } = active;
    switch (e.key) {
      case 'ArrowDown': row++; break;
      case 'ArrowUp': row--; break;
      case 'ArrowRight': col++; break;
      case 'ArrowLeft': col--; break;
      case 'PageDown': row += page; break;
      case 'PageUp': row -= page; break;
      case 'Home': if (e.ctrlKey) row = 0; col = -1; break;
      case 'End': if (e.ctrlKey) row = total - 1; col = hosts.length - 1; break;
      case 'Enter': {
        const network = rowAt(active.row);
        if (network) location.hash = networkHref(network.name);
        e.preventDefault();
        return;
      }
      default: return;
    }
    e.preventDefault();
    row = Math.max(0, Math.min(total - 1, row));
    col = Math.max(-1, Math.min(hosts.length - 1, col));
    setActive({ row, col });
    reveal(row, col);
  };

  const cellId = (row: number, col: number) => `cell-${row}-${col}`;
  const rows = [];
  for (let r = firstRow; r < lastRow; r++) {
    const network = rowAt(r);
    if (!network) {
      rows.push(
        <div key={`loading-${r}`} role="row" aria-rowindex={r + 2} class="grid-row loading-row" style={{ top: `${r * ROW}px`, width: `${width}px` }}>
          <div role="rowheader" id={cellId(r, -1)} aria-colindex={1} class="row-head" style={{ width: `${rowHead}px` }}><span class="loading-text">loading…</span></div>
        </div>,
      );
      continue;
    }
    const cells = [];
    for (let c = firstCol; c < lastCol; c++) {
      const host = hosts[c]!;
      // In the window the cell has its whole status; outside, only its state code (until fetched).
      const inWindow = network.view !== undefined && c >= windowCols.first && c < windowCols.end;
      const cell: Cell | undefined = inWindow ? cellOf(network.view!, host.name, host) : codeCell(network.codes[c]);
      const isActive = active.row === r && active.col === c;
      cells.push(
        <div key={host.name} id={cellId(r, c)} role="gridcell" aria-colindex={c + 2} aria-selected={isActive}
          class={`cell${cell ? ` s-${cell.state}` : ' empty'}${isActive ? ' active' : ''}`} style={{ left: `${rowHead + c * COL}px` }}
          title={cell ? describeCell(network.name, host.name, cell) : `${network.name} is not placed on ${host.name}`}
          data-network={network.name} data-host={host.name} data-state={cell?.state ?? 'none'}
          onClick={() => { setActive({ row: r, col: c }); if (cell) location.hash = networkHref(network.name); }}>
          {cell ? <><span class="state-text">{CELL_LABEL[cell.state]}</span>{cell.controllers !== 'none' && <span class={`ctl ctl-${cell.controllers}`}>{CONTROLLER_TEXT[cell.controllers]}</span>}{cell.driftRepaired && <span class="drift-mark"> · drift fixed</span>}</> : <span class="sr-only">not placed</span>}
        </div>,
      );
    }
    rows.push(
      <div key={network.name} role="row" aria-rowindex={r + 2} class="grid-row" style={{ top: `${r * ROW}px`, width: `${width}px` }}>
        <div role="rowheader" id={cellId(r, -1)} aria-colindex={1} aria-selected={active.row === r && active.col === -1} class={`row-head${active.row === r && active.col === -1 ? ' active' : ''}`} style={{ width: `${rowHead}px` }}>
          <a href={networkHref(network.name)} tabIndex={-1}>{network.name}</a>
          {!network.active && <span class="inactive"> (inactive)</span>}
        </div>
        {cells}
      </div>,
    );
  }
  const heads = [];
  for (let c = firstCol; c < lastCol; c++) {
    const host = hosts[c]!;
    heads.push(
      <div key={host.name} role="columnheader" aria-colindex={c + 2} class={`col-head ${host.online ? 'online' : 'offline'}`} style={{ left: `${rowHead + c * COL}px` }} title={`${host.name}: ${host.online ? 'online' : 'offline'} since ${host.since}`}>
        <span class="host-name">{host.name}</span>
        <span class="liveness">{host.online ? '● online' : '○ offline'}</span>
      </div>,
    );
  }

  return (
    <div ref={scroller} class={`grid-scroller${past ? ' past' : ''}`} onScroll={onScroll} tabIndex={0} role="grid"
      aria-label={past ? 'Networks by host, as of the chosen past moment' : 'Networks by host, live'} aria-rowcount={total + 1} aria-colcount={hosts.length + 1}
      aria-activedescendant={total ? cellId(active.row, active.col) : undefined} onKeyDown={onKeyDown} data-testid="fleet-grid"
      data-rows={total} data-cols={hosts.length}>
      <div class="grid-inner" style={{ width: `${width}px`, height: `${HEAD + total * ROW}px` }}>
        <div role="row" aria-rowindex={1} class="grid-head" style={{ width: `${width}px`, height: `${HEAD}px` }}>
          <div role="columnheader" aria-colindex={1} class="corner" style={{ width: `${rowHead}px` }}>Network \ host</div>
          {heads}
        </div>
        <div class="grid-body" role="rowgroup" style={{ height: `${total * ROW}px` }}>{rows}</div>
      </div>
      {total === 0 && <p class="empty-note">No network matches.</p>}
    </div>
  );
}

/** A cell known by its code only: its state, no status. */
function codeCell(code: string | undefined): Cell | undefined {
  const state = stateOfCode(code);
  return state && { state, controllers: 'none', driftRepaired: false, status: undefined };
}
