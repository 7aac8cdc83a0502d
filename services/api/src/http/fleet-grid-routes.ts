import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readLiveFleet } from '@netfleet/eventstore/fleet-at';
import { CELL_STATES, fleetGrid, GRID_CODE, type CellState } from '@netfleet/fleet/grid-cell';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { selector, text } from './schema-bounds';
import { fleetGridSchema } from '@netfleet/api-types/fleet-answers';
import { errorResponses } from './typed-routes';

/** Rows per page at most: a screen shows ~30, a page of 500 is ~50 KB at 100 hosts. */
export const GRID_MAX_ROWS = 500;

interface GridQuerystring { offset: number; limit: number; name?: string; labels?: string; state?: CellState }

const querystring = {
  type: 'object', additionalProperties: false,
  properties: {
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0, description: 'first matching network (row) of the page' },
    limit: { type: 'integer', minimum: 1, maximum: GRID_MAX_ROWS, default: 100, description: `rows in the page (at most ${GRID_MAX_ROWS})` },
    name: text(256, 'part of a network name (case-insensitive)'),
    labels: selector,
    state: { type: 'string', enum: [...CELL_STATES], description: 'only networks with a cell in this state' },
  },
} as const;

const response = { 200: fleetGridSchema, ...errorResponses } as const;

/** Code → state, the legend every answer carries. */
const CODES = Object.fromEntries(Object.entries(GRID_CODE).map(([state, code]) => [code, state]));

/**
 * The fleet grid, compact and paged: networks (rows) × hosts (columns) as strings of one-letter
 * state codes, filtered on the server. GET /v1/fleet stays the whole views (the CLI's); this is
 * what a screen of the grid needs, whatever the placement.
 */
export async function fleetGridRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.get('/v1/fleet/grid', { schema: { querystring, response } }, async (request: FastifyRequest<{ Querystring: GridQuerystring }>) => {
    requireRole(request.principal, Role.Viewer);
    const q = request.query;
    const grid = fleetGrid(await readLiveFleet(ctx.db), { offset: q.offset, limit: q.limit, name: q.name ?? '', labels: q.labels ?? '', state: q.state });
    return { ...grid, codes: CODES };
  });
}
