import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { Database } from '@netfleet/eventstore/database';
import { answerIdempotencyKey, claimIdempotencyKey, releaseIdempotencyKey, renewIdempotencyKey, type IdempotencyKeyRef } from '@netfleet/eventstore/idempotency-keys';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route honours Idempotency-Key (a retry gets the first answer; a reused key is refused). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** Set once this request claimed its key: the command id its events are derived from. */
    idempotency?: IdempotencyKeyRef & { commandId: string; answered: boolean };
  }
}

// Visible ASCII, as a UUID or any client's token is; a key is matched exactly.
const KEY = /^[!-~]{1,255}$/;
/** Query parameters that only change how the answer is given, not what is done. */
const ANSWER_ONLY_QUERY = new Set(['wait', 'timeout']);
/**
 * A claim is a lease, renewed every RENEW_EVERY_MS while its request runs (a `--wait` may run an
 * hour). One not renewed for LEASE_SECONDS belongs to a request that died with its API or lost
 * PostgreSQL: a retry takes it over instead of being told "in progress" for an hour.
 */
// 6 s, renewed every 2 s (two renewals may be late before another takes it over): a retry after
// an API kill or a PostgreSQL crash (which leaves the claim unreleased) is told "in progress"
// until the lease runs out — with a 30 s lease the fault suite measured 27-32 s to converge
// after them, with 10 s still ~10 s. A takeover by mistake is safe: the command id comes from
// the key, so the same command is not appended twice.
const LEASE_SECONDS = 6;
const RENEW_EVERY_MS = 2_000;

/**
 * Idempotency-Key on the routes that take it (`config: { idempotent: true }`): the key is scoped
 * to the token's actor and to a fingerprint of the request (method, route, path parameters,
 * canonical body, the query that changes what is done). The same key with the same request gets
 * the first answer again, status and body (header `idempotent-replayed: true`); with another
 * request it is refused with 422 and nothing is done. Other routes ignore the header (host-add
 * and token-create answer with a secret shown once, which is never stored).
 */
export function installIdempotency(app: FastifyInstance, db: Database): void {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config?.idempotent) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header.join(',') : header;
    if (!KEY.test(key)) {
      throw new NetfleetError('NF_API_BAD_IDEMPOTENCY_KEY', { length: key.length });
    }
    const actor = request.principal.actor;
    const fingerprint = fingerprintOf(request);
    const claim = await claimIdempotencyKey(db, { actor, key, fingerprint, staleAfterSeconds: LEASE_SECONDS });
    if (claim.kind === 'mismatch') {
      throw new NetfleetError('NF_API_IDEMPOTENCY_MISMATCH', { idempotencyKey: key, actor });
    }
    if (claim.kind === 'in-progress') {
      throw new NetfleetError('NF_API_IDEMPOTENCY_IN_PROGRESS', { idempotencyKey: key });
    }
    if (claim.kind === 'answered') {
      return reply.status(claim.status).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(claim.response);
    }
    request.idempotency = { actor, key, commandId: commandIdOf(actor, key, fingerprint), answered: false };
    const renewal = setInterval(() => {
      renewIdempotencyKey(db, { actor, key }).catch((e: unknown) => request.log.warn({ err: e, idempotencyKey: key }, 'could not renew an Idempotency-Key claim; a retry may take it over'));
    }, RENEW_EVERY_MS);
    renewal.unref();
    reply.raw.once('close', () => clearInterval(renewal));
    return undefined;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim || claim.answered) return payload;
    claim.answered = true;
    // The store may be what failed this request: the answer still goes out, and a claim that
    // could not be released runs out its lease.
    try {
      if (reply.statusCode < 300 && typeof payload === 'string') await answerIdempotencyKey(db, claim, reply.statusCode, JSON.parse(payload));
      else await releaseIdempotencyKey(db, claim);
    } catch (e) {
      request.log.warn({ err: e, idempotencyKey: claim.key }, 'could not record or release an Idempotency-Key claim; it is taken over once its lease runs out');
    }
    return payload;
  });
}

/** For answers written past fastify (a `--wait` progress stream): keep the final result line. */
export async function recordIdempotentAnswer(db: Database, request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): Promise<void> {
  const claim = request.idempotency;
  if (!claim || claim.answered) return;
  claim.answered = true;
  await answerIdempotencyKey(db, claim, status, body).catch((e) => reply.log.warn({ err: e }, 'could not keep the answer of an idempotent request'));
}

function fingerprintOf(request: FastifyRequest): string {
  const query = Object.fromEntries(Object.entries((request.query ?? {}) as Record<string, unknown>).filter(([k]) => !ANSWER_ONLY_QUERY.has(k)));
  const canonical = canonicalJson({ method: request.method, route: request.routeOptions.url, params: request.params ?? {}, query, body: request.body ?? null });
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted, so the same request always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The command id the request's events are derived from (and its correlation id): one per actor,
 * key and request, so two actors' keys, or one key reused for another request, never collide.
 */
function commandIdOf(actor: string, key: string, fingerprint: string): string {
  const h = createHash('sha256').update(`${actor}\u0000${key}\u0000${fingerprint}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
