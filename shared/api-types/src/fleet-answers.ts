import type { Json } from './json-schema';
import { hostSchema } from './host-answers';
import { networkSchema } from './network-answers';

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
