import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { auditPublicKeySchema, auditVerificationSchema } from '@netfleet/api-types/audit-answers';
import type { RecordedEvent } from '@netfleet/events/event-envelope';
import { firstPositionSince } from '@netfleet/eventstore/audit-chain';
import { verifyAuditChain } from '@netfleet/eventstore/audit-verify';
import type { Database } from '@netfleet/eventstore/database';
import { readHistory, type HistoryFilter } from '@netfleet/eventstore/history';
import { parseHistoryPoint } from '@netfleet/fleet/history-point';
import type { ApiContext } from '../api-context';
import { Role, requireRole } from '../auth/authenticate';
import { networkName, text } from '../http/schema-bounds';
import { CSV_COLUMNS, csvField, toAuditCloudEvent, toCsvRow } from './audit-record';
import { errorResponses, typed } from '../http/typed-routes';

const point = (what: string) => text(64, `${what}: a log position (a whole number) or an ISO-8601 time`);

const PAGE = 5000;

/**
 * The audit log for auditors (viewer tokens and up: reading the log is what every role may do):
 * verification of the hash chain and its signed checkpoints, the key that signs them, and the
 * audit trail's export as CloudEvents (jsonl) or CSV, streamed in keyset pages.
 */
export async function auditRoutes(app: FastifyInstance, opts: { ctx: ApiContext }): Promise<void> {
  const { ctx } = opts;
  const routes = typed(app);

  routes.get('/v1/audit/verify', {
    schema: {
      description: 'Recomputes the audit chain from the store; names every event altered, removed or inserted behind netfleet\'s back, and checks the checkpoints\' signatures.',
      querystring: { type: 'object', additionalProperties: false, properties: { since: point('start at the last signed checkpoint before this point') } },
      response: { ...errorResponses, 200: auditVerificationSchema },
    },
  }, async (request) => {
    requireRole(request.principal, Role.Viewer);
    const since = request.query.since !== undefined ? await positionOf(ctx.db, request.query.since) : undefined;
    const result = await verifyAuditChain(ctx.db, { ...(since !== undefined ? { since } : {}), checkSignature: (c) => ctx.audit.key.check(c) });
    return { ...result, keyId: ctx.audit.key.keyId };
  });

  routes.get('/v1/audit/public-key', {
    schema: {
      description: 'The Ed25519 public key (SPKI PEM) that checks the audit checkpoints\' signatures.',
      response: { ...errorResponses, 200: auditPublicKeySchema },
    },
  }, async (request) => {
    requireRole(request.principal, Role.Viewer);
    return { algorithm: 'Ed25519', keyId: ctx.audit.key.keyId, publicKey: ctx.audit.key.publicKeyPem };
  });

  routes.get('/v1/audit/export', {
    schema: {
      description: 'The audit trail, streamed: jsonl (one CloudEvents 1.0 envelope per line, the audit fields as extensions) or csv (a header row, RFC 4180 quoting).',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { since: point('from (inclusive)'), until: point('to (inclusive)'), network: networkName, format: { type: 'string', enum: ['jsonl', 'csv'], default: 'jsonl' } },
      },
      response: {
        ...errorResponses,
        200: {
          description: 'the audit trail in position order',
          content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
        },
      },
    },
  }, async (request, reply) => {
    requireRole(request.principal, Role.Viewer);
    const { since, until, network, format } = request.query;
    const filter: HistoryFilter = { ...(network !== undefined ? { network } : {}) };
    let after = 0;
    if (since !== undefined) {
      const p = parseHistoryPoint(since, 'since');
      if ('position' in p) after = Math.max(0, p.position - 1);
      else filter.since = p.time;
    }
    if (until !== undefined) {
      const p = parseHistoryPoint(until, 'until');
      if ('position' in p) filter.untilPosition = p.position;
      else filter.until = p.time;
    }
    const lines = format === 'csv'
      ? (events: RecordedEvent[]) => events.map((e) => `${toCsvRow(e)}\r\n`).join('')
      : (events: RecordedEvent[]) => events.map((e) => `${JSON.stringify(toAuditCloudEvent(e, ctx.envelopes.of(e)))}\n`).join('');
    const header = format === 'csv' ? `${CSV_COLUMNS.map(csvField).join(',')}\r\n` : '';
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    reply.header('cache-control', 'no-store');
    return sendStream(reply, Readable.from(exportChunks(ctx.db, filter, after, header, lines), { objectMode: false }));
  });
}

/** The export is streamed: its 200 is declared (text) for /openapi.json, the body is a Readable the schema cannot type. */
const sendStream = (reply: FastifyReply, body: Readable) => reply.send(body);

/**
 * The export's text, a page at a time, the next page read while this one is written. A Readable
 * pulls only when the socket drains, so memory holds two pages whatever the log's size.
 */
async function* exportChunks(db: Database, filter: HistoryFilter, after: number, header: string, lines: (events: RecordedEvent[]) => string): AsyncGenerator<string> {
  if (header) yield header;
  let next = readHistory(db, { ...filter, after, limit: PAGE });
  try {
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      next = page.length < PAGE ? Promise.resolve([]) : readHistory(db, { ...filter, after: page.at(-1)!.position, limit: PAGE });
      yield lines(page);
    }
  } finally {
    next.catch(() => undefined);
  }
}

/** `since` as a position: itself, or the first event recorded at or after the time. */
async function positionOf(db: Database, since: string): Promise<number> {
  const p = parseHistoryPoint(since, 'since');
  if ('position' in p) return p.position;
  return (await firstPositionSince(db, p.time)) ?? Number.MAX_SAFE_INTEGER;
}
