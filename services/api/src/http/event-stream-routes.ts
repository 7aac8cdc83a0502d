import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cloudEventTypeOf } from '@netfleet/events/cloud-event';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import type { ApiContext } from '../api-context';
import { errorResponses } from './typed-routes';
import { parseStreamPosition } from '../stream/stream-position';

interface StreamQuery { after?: string; network?: string; host?: string; type?: string[] }

/**
 * The event stream for automation: server-sent events of the whole log in position order, each
 * the event's CloudEvents envelope, live after catching up. Resumable: a reconnecting client sends Last-Event-ID (or `after`) and misses
 * nothing. Filters narrow it to a network, a host or event types. Every stream of this instance
 * is fed by one hub (stream/event-stream-hub.ts); a stream the API ends carries a last
 * `netfleet-stream-closed` event with the reason (lagging, revoked, shutdown) — reconnect to resume.
 */
export async function eventStreamRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.get('/v1/events/stream', {
    schema: {
      description: 'Server-sent events (text/event-stream): `id` is the global position, `event` the CloudEvents type, `data` the event as a CloudEvents 1.0 envelope in JSON (docs/webhooks.md). A stream the API ends has a last event `netfleet-stream-closed` (no id) with `{reason, message, position}`.',
      querystring: {
        type: 'object',
        properties: {
          // A string, checked by parseStreamPosition: a schema integer would take 1e20 or 0x10.
          after: { type: 'string', description: 'start after this position (default: now; Last-Event-ID wins)' },
          network: { type: 'string' }, host: { type: 'string' },
          type: { type: 'array', items: { type: 'string' }, description: 'netfleet (NetworkStarted) or CloudEvents (io.netfleet.network.started) event types' },
        },
      },
      // The stream is written on the raw socket (hijacked): declared for /openapi.json only.
      response: { 200: { description: 'the event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errorResponses },
    },
  }, async (request: FastifyRequest<{ Querystring: StreamQuery }>, reply) => {
    const lastEventId = request.headers['last-event-id'];
    const after = typeof lastEventId === 'string' ? parseStreamPosition(lastEventId, 'Last-Event-ID')
      : request.query.after !== undefined ? parseStreamPosition(request.query.after, 'after') : ctx.eventStream.position;
    const matches = filterOf(request.query);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(`: netfleet event stream after position ${after}\n\n`);
    const client = ctx.eventStream.open(raw, after, matches);
    const revoked = () => client.close('revoked', `the API token '${request.principal.token ?? request.principal.actor}' was revoked`);
    if (request.tokenRevoked.aborted) revoked();
    else request.tokenRevoked.addEventListener('abort', revoked, { once: true });
  });
}

function filterOf(query: StreamQuery): (event: RecordedEvent) => boolean {
  return (event) => {
    const data = event.data as { name?: string; network?: string; host?: string };
    if (query.network && data.name !== query.network && data.network !== query.network) return false;
    if (query.host && data.host !== query.host && event.streamId !== `host:${query.host}`) return false;
    if (query.type?.length && !query.type.includes(event.type) && !query.type.includes(cloudEventTypeOf(event.type, event.streamId))) return false;
    return true;
  };
}
