import type { Json } from './json-schema';
import { hostSchema } from './host-answers';
import { gridViewSchema, networkSchema } from './network-answers';
import { closedObject } from './object-schemas';

/** Where a client holding a live answer follows the event stream from (see folded-positions.ts). */
const resumeSchema = {
  ...closedObject(['after', 'folded'], {
    after: { type: 'integer', description: 'follow /v1/events/stream after this position' },
    folded: { type: 'array', items: { type: 'integer' }, description: 'positions after `after` already in this answer: skip them on the stream' },
  }),
  description: 'live answers only: a transaction may commit an event below `position` after the answer was read; the stream brings it after `after`',
} as const;

/** GET /v1/fleet: the whole fleet view, now (`at: null`) or as of a past position or time. */
export const fleetSchema = closedObject(['at', 'position', 'networks', 'hosts'], {
  at: {
    anyOf: [
      { type: 'null' },
      closedObject(['position'], { position: { type: 'integer' } }),
      closedObject(['time'], { time: { type: 'string' } }),
    ],
    description: 'the point asked for (null: now)',
  },
  position: { type: 'integer', description: 'the log position the view has folded up to' },
  networks: { type: 'array', items: networkSchema },
  hosts: { type: 'array', items: hostSchema },
  resume: resumeSchema,
});
export type FleetAnswer = Json<typeof fleetSchema>;

/** GET /v1/fleet/grid: one screen of the grid, cells as one-letter state codes (see `codes`). */
export const fleetGridSchema = closedObject(['position', 'totalNetworks', 'offset', 'codes', 'hosts', 'networks', 'cells', 'hostOffset', 'views', 'counts'], {
  position: { type: 'integer', description: 'the log position the grid stands at (to follow the stream, see `resume`)' },
  totalNetworks: { type: 'integer', description: 'networks matching the filters, over all pages' },
  offset: { type: 'integer' },
  codes: { type: 'object', description: 'cell code → state', additionalProperties: { type: 'string' } },
  hosts: { type: 'array', items: hostSchema, description: 'the columns: hosts matching the label selector, by name' },
  networks: { type: 'array', items: closedObject(['name', 'active'], { name: { type: 'string' }, active: { type: 'boolean' } }) },
  cells: { type: 'array', description: 'one string per network row, one code per host column', items: { type: 'string' } },
  hostOffset: { type: 'integer', description: 'the first column `views` cover' },
  views: { type: 'array', items: gridViewSchema, description: 'one per row when hostLimit > 0: its view with the status of hostLimit columns from hostOffset (what is on screen; no ports), else empty' },
  counts: { type: 'object', description: 'cells per state (networks matching the name, hosts matching the labels)', additionalProperties: { type: 'integer' } },
  resume: resumeSchema,
});
export type FleetGridAnswer = Json<typeof fleetGridSchema>;
