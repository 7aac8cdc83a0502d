import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fleetAt } from '@netfleet/eventstore/fleet-at';
import { parseHistoryPoint } from '@netfleet/fleet/history-point';
import type { StreamResume } from '@netfleet/fleet/folded-positions';
import type { FleetView } from '@netfleet/fleet/fleet-view';
import { CELL_STATES, fleetGrid, GRID_CODE, type CellState } from '@netfleet/fleet/grid-cell';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { LiveFleetCache } from '../stream/live-fleet-cache';
import { position, selector, text } from './schema-bounds';
import { fleetGridSchema } from '@netfleet/api-types/fleet-answers';
import { errorResponses } from './typed-routes';

/** Rows per page at most: a screen shows ~30, a page of 500 is ~50 KB at 100 hosts. */
export const GRID_MAX_ROWS = 500;
/** Columns with their whole status at most: a screen shows ~10; 50 rows × 100 such cells are ~2 MB. */
export const GRID_MAX_WINDOW_HOSTS = 100;

interface GridQuerystring { offset: number; limit: number; hostOffset: number; hostLimit: number; name?: string; labels?: string; state?: CellState; at?: string; minPosition?: number }

const querystring = {
  type: 'object', additionalProperties: false,
  properties: {
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0, description: 'first matching network (row) of the page' },
    limit: { type: 'integer', minimum: 1, maximum: GRID_MAX_ROWS, default: 100, description: `rows in the page (at most ${GRID_MAX_ROWS})` },
    hostOffset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0, description: 'first host (column) whose cells come with their whole status in `views`' },
    hostLimit: { type: 'integer', minimum: 0, maximum: GRID_MAX_WINDOW_HOSTS, default: 0, description: `columns whose cells come with their whole status (at most ${GRID_MAX_WINDOW_HOSTS}; 0: codes only)` },
    name: text(256, 'part of a network name (case-insensitive)'),
    labels: selector,
    state: { type: 'string', enum: [...CELL_STATES], description: 'only networks with a cell in this state' },
    minPosition: position('answer at least at this log position (one the client saw on the event stream); absent: at the log\'s head'),
    at: { ...text(64, 'the grid as of a log position (at most 2^53 - 1) or an ISO-8601 time, as GET /v1/fleet?at= takes it (absent: now)'), minLength: 1 },
  },
} as const;

const response = { 200: fleetGridSchema, ...errorResponses } as const;

/** Code → state, the legend every answer carries. */
const CODES = Object.fromEntries(Object.entries(GRID_CODE).map(([state, code]) => [code, state]));

/**
 * The fleet grid, compact and paged: networks (rows) × hosts (columns) as strings of one-letter
 * state codes, filtered on the server, with the whole status of the cells on screen only (a
 * window of columns). GET /v1/fleet stays the whole views (the CLI's); this is what a screen of
 * the grid needs, whatever the placement. Now is answered from the fleet this API keeps in
 * memory (LiveFleetCache), the past by folding the log up to that point.
 */
export async function fleetGridRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const live = new LiveFleetCache(ctx.db, ctx.eventStream, ctx.log.child({ component: 'fleet-grid' }));
  // The last past fleet: a grid scrolled at one past moment asks for the position it resolved
  // to again and again, and folding the log up to it is the costly part. A fold up to the
  // position of its own last event never changes (a time or a later position might).
  let past: FleetView | undefined;
  const pastFleet = async (at: string): Promise<FleetView> => {
    if (past && /^\d+$/.test(at) && Number(at) === past.position) return past;
    past = await fleetAt(ctx.db, parseHistoryPoint(at));
    return past;
  };
  app.get('/v1/fleet/grid', { schema: { querystring, response } }, async (request: FastifyRequest<{ Querystring: GridQuerystring }>) => {
    requireRole(request.principal, Role.Viewer);
    const q = request.query;
    const fleet: FleetView & { resume?: StreamResume } = q.at === undefined ? await live.current(q.minPosition) : await pastFleet(q.at.trim());
    const grid = fleetGrid({ position: fleet.position, networks: Object.values(fleet.networks), hosts: Object.values(fleet.hosts) }, {
      offset: q.offset, limit: q.limit, hostOffset: q.hostOffset, hostLimit: q.hostLimit, name: q.name ?? '', labels: q.labels ?? '', state: q.state,
    });
    return { ...grid, codes: CODES, ...(fleet.resume ? { resume: fleet.resume } : {}) };
  });
}
