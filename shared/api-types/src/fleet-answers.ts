import type { Json } from './json-schema';
import { hostSchema } from './host-answers';
import { gridViewSchema, networkSchema } from './network-answers';

/** GET /v1/fleet: the whole fleet view, now (`at: null`) or as of a past position or time. */
export const fleetSchema = {
  type: 'object', required: ['at', 'position', 'networks', 'hosts'], additionalProperties: false,
  properties: {
    at: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['position'], additionalProperties: false, properties: { position: { type: 'integer' } } },
        { type: 'object', required: ['time'], additionalProperties: false, properties: { time: { type: 'string' } } },
      ],
      description: 'the point asked for (null: now)',
    },
    position: { type: 'integer', description: 'the log position the view has folded up to' },
    networks: { type: 'array', items: networkSchema },
    hosts: { type: 'array', items: hostSchema },
  },
} as const;
export type FleetAnswer = Json<typeof fleetSchema>;

/** GET /v1/fleet/grid: one screen of the grid, cells as one-letter state codes (see `codes`). */
export const fleetGridSchema = {
  type: 'object', additionalProperties: false,
  required: ['position', 'totalNetworks', 'offset', 'codes', 'hosts', 'networks', 'cells', 'hostOffset', 'views', 'counts'],
  properties: {
    position: { type: 'integer', description: 'the log position the grid stands at (follow /v1/events/stream after it)' },
    totalNetworks: { type: 'integer', description: 'networks matching the filters, over all pages' },
    offset: { type: 'integer' },
    codes: { type: 'object', description: 'cell code → state', additionalProperties: { type: 'string' } },
    hosts: { type: 'array', items: hostSchema, description: 'the columns: hosts matching the label selector, by name' },
    networks: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name', 'active'], properties: { name: { type: 'string' }, active: { type: 'boolean' } } } },
    cells: { type: 'array', description: 'one string per network row, one code per host column', items: { type: 'string' } },
    hostOffset: { type: 'integer', description: 'the first column `views` cover' },
    views: { type: 'array', items: gridViewSchema, description: 'one per row when hostLimit > 0: its view with the status of hostLimit columns from hostOffset (what is on screen; no ports), else empty' },
    counts: { type: 'object', description: 'cells per state (networks matching the name, hosts matching the labels)', additionalProperties: { type: 'integer' } },
  },
} as const;
export type FleetGridAnswer = Json<typeof fleetGridSchema>;
