import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { subscribeToAll } from '@netfleet/eventstore/subscribe';
import type { ApiContext } from '../api-context';

const KEEPALIVE_MS = 15_000;

interface StreamQuery { after?: number; network?: string; host?: string; type?: string[] }

/**
 * The event stream for automation: server-sent events of the whole log in position order, live
 * after catching up. Resumable: a reconnecting client sends Last-Event-ID (or `after`) and misses
 * nothing. Filters narrow it to a network, a host or event types.
 */
export async function eventStreamRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  app.get('/v1/events/stream', {
    schema: {
      description: 'Server-sent events (text/event-stream): `id` is the global position, `event` the event type, `data` the event as JSON.',
      querystring: {
        type: 'object',
        properties: {
          after: { type: 'integer', minimum: 0, description: 'start after this position (default: now; Last-Event-ID wins)' },
          network: { type: 'string' }, host: { type: 'string' },
          type: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  }, async (request: FastifyRequest<{ Querystring: StreamQuery }>, reply) => {
    const lastEventId = Number(request.headers['last-event-id']);
    const after = Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : request.query.after ?? (await currentPosition(ctx));
    const matches = filterOf(request.query);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(`: netfleet event stream after position ${after}\n\n`);
    const subscription = await subscribeToAll(ctx.db, {
      databaseUrl: ctx.databaseUrl, after,
      handle: (event) => {
        if (matches(event)) raw.write(`id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      },
    });
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    const close = () => { clearInterval(keepalive); void subscription.stop(); };
    request.raw.on('close', close);
    subscription.done.catch((e) => { request.log.warn({ err: e }, 'event stream ended'); raw.end(); close(); });
  });
}

async function currentPosition(ctx: ApiContext): Promise<number> {
  const row = await ctx.db.selectFrom('events').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
  return Number(row?.p ?? 0);
}

function filterOf(query: StreamQuery): (event: RecordedEvent) => boolean {
  return (event) => {
    const data = event.data as { name?: string; network?: string; host?: string };
    if (query.network && data.name !== query.network && data.network !== query.network) return false;
    if (query.host && data.host !== query.host && event.streamId !== `host:${query.host}`) return false;
    if (query.type?.length && !query.type.includes(event.type)) return false;
    return true;
  };
}
