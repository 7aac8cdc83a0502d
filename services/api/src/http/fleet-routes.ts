import type { FastifyInstance } from 'fastify';
import { fleetSchema } from '@netfleet/api-types/fleet-answers';
import { fleetAt, readLiveFleet } from '@netfleet/eventstore/fleet-at';
import { parseHistoryPoint } from '@netfleet/fleet/history-point';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { text } from './schema-bounds';
import { errorResponses, typed } from './typed-routes';

/**
 * The whole fleet view: now (the live projections) or as of a past position or time ("time
 * travel"), which folds the log up to that point with the same pure fold.
 */
export async function fleetRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  typed(app).get('/v1/fleet', {
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { at: { ...text(64, 'a log position (at most 2^53 - 1) or an ISO-8601 time'), minLength: 1 } } },
      response: { 200: fleetSchema, ...errorResponses },
    },
  }, async (request) => {
    requireRole(request.principal, Role.Viewer);
    if (request.query.at === undefined) {
      // One snapshot for the views and their checkpoint (see readLiveFleet).
      const { position, settled, seenAfterSettled, networks, hosts } = await readLiveFleet(ctx.db);
      return { at: null, position, networks, hosts, resume: { after: settled, folded: seenAfterSettled } };
    }
    const at = parseHistoryPoint(request.query.at);
    const fleet = await fleetAt(ctx.db, at);
    const byName = <T>(docs: Record<string, T>) => Object.keys(docs).sort().map((k) => docs[k]!);
    return {
      at: 'position' in at ? { position: at.position } : { time: at.time.toISOString() },
      position: fleet.position, networks: byName(fleet.networks), hosts: byName(fleet.hosts),
    };
  });
}
