import type { FastifyInstance } from 'fastify';
import { historyPageSchema, type HistoryPageAnswer } from '@netfleet/api-types/history-answers';
import { readHistory, type HistoryFilter } from '@netfleet/eventstore/history';
import { toHistoryEntry } from '@netfleet/fleet/history-entry';
import { parseHistoryPoint } from '@netfleet/fleet/history-point';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { hostName, networkName, position, text } from './schema-bounds';
import { errorResponses, typed } from './typed-routes';

const filterProperties = {
  host: { ...hostName, description: 'a host\'s own events and network events placing a network on it' },
  actor: { ...text(200, 'who caused it (a token\'s actor, or host:<name>)'), minLength: 1 },
  correlation: { ...text(200, 'one command and the host outcomes it caused (its correlation id)'), minLength: 1 },
  type: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9]{1,100}$' }, maxItems: 50, description: 'event types (repeatable)' },
  since: text(64, 'ISO-8601 time (inclusive)'),
  until: text(64, 'ISO-8601 time (inclusive)'),
  after: { ...position('position to continue after (paging)'), default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 1000 },
} as const;

interface HistoryQuery { network?: string; host?: string; actor?: string; correlation?: string; type?: string[]; since?: string; until?: string; after: number; limit: number }

/**
 * The audit trail: every event, filterable by network, host, actor, type and time. A network's
 * history includes the host outcomes its commands caused (they live on host streams).
 */
export async function historyRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const routes = typed(app);
  const response = { 200: historyPageSchema, ...errorResponses } as const;
  const answer = async (query: HistoryQuery): Promise<HistoryPageAnswer> => {
    const events = await readHistory(ctx.db, filterOf(query));
    return { entries: events.map(toHistoryEntry), next: events.length === query.limit ? events.at(-1)!.position : null };
  };

  routes.get('/v1/history', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { network: networkName, ...filterProperties } }, response },
  }, async (request) => {
    requireRole(request.principal, Role.Viewer);
    return answer(request.query);
  });

  routes.get('/v1/networks/:name/history', {
    schema: {
      params: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: networkName } },
      querystring: { type: 'object', additionalProperties: false, properties: filterProperties },
      response,
    },
  }, async (request) => {
    requireRole(request.principal, Role.Viewer);
    return answer({ ...request.query, network: request.params.name });
  });
}

function filterOf(query: HistoryQuery): HistoryFilter {
  return {
    after: query.after, limit: query.limit,
    ...(query.network ? { network: query.network } : {}),
    ...(query.host ? { host: query.host } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.correlation ? { correlationId: query.correlation } : {}),
    ...(query.type?.length ? { types: query.type } : {}),
    ...(query.since ? { since: timeOf(query.since, 'since') } : {}),
    ...(query.until ? { until: timeOf(query.until, 'until') } : {}),
  };
}

function timeOf(text: string, name: string): Date {
  const point = parseHistoryPoint(text, name);
  if ('time' in point) return point.time;
  throw new NetfleetError('NF_HISTORY_BAD_POINT', { parameter: name, value: text, expected: 'not an ISO-8601 time' });
}
