import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context';
import { fleetRoutes } from '../http/fleet-routes';
import { fleetGridRoutes } from '../http/fleet-grid-routes';
import { historyRoutes } from '../http/history-routes';
import { rebuildRoutes } from './rebuild-routes';
import { deadLetterRoutes } from './dead-letter-routes';

/** The event log's resources: history, the fleet view now and in the past, its compact grid, its rebuild, and what it refused (dead letters). */
export async function eventLogRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  await app.register(historyRoutes, opts);
  await app.register(fleetRoutes, opts);
  await app.register(fleetGridRoutes, opts);
  await app.register(rebuildRoutes, opts);
  await app.register(deadLetterRoutes, opts);
}
