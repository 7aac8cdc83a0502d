import { NetfleetError } from '@netfleet/errors/netfleet-error';

interface PgErrorLike { code?: string; constraint?: string; message?: string; detail?: string }

const isPgError = (e: unknown): e is PgErrorLike => typeof e === 'object' && e !== null && 'code' in e && !(e instanceof NetfleetError);

/** The PostgreSQL error itself, also when the store already wrapped it in a NetfleetError. */
const pgErrorOf = (e: unknown): PgErrorLike | undefined => {
  if (isPgError(e)) return e;
  if (e instanceof NetfleetError && isPgError(e.cause)) return e.cause;
  return undefined;
};

export const isUniqueViolation = (e: unknown, constraint?: string): boolean => {
  const pg = pgErrorOf(e);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint === constraint);
};

// Connection-level failures: refused, reset, the server shutting down or terminating the backend
// (pg_terminate_backend, a restart), the connection failing mid-query, too many clients.
const CONNECTION_CODES = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300'];

/** A connection to PostgreSQL that failed or was cut, rather than a query PostgreSQL refused. */
function isPgConnectionError(e: unknown): boolean {
  if (isPgError(e) && CONNECTION_CODES.includes(e.code ?? '')) return true;
  return e instanceof Error && /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect/.test(e.message);
}

/**
 * Maps a PostgreSQL (or pg driver) error to netfleet's error, once, at the adapter's edge: every
 * query the store runs goes through it (database.ts), so callers only ever read codes. The
 * original error stays the `cause` (pgCodeOf reads through it).
 */
export function fromPgError(e: unknown): NetfleetError {
  if (e instanceof NetfleetError) return e;
  const pg = isPgError(e) ? e : undefined;
  if (pg?.code === '3D000') {
    return new NetfleetError('NF_STORE_NO_DATABASE', { reason: pg.message ?? '', pgCode: pg.code }, e);
  }
  if (isPgConnectionError(e)) {
    return new NetfleetError('NF_STORE_UNAVAILABLE', { reason: (e as Error).message, ...(pg?.code ? { pgCode: pg.code } : {}) }, e);
  }
  if (pg?.code?.startsWith('22')) {
    // PostgreSQL refused a value itself (SQLSTATE class 22, data exception): a NUL in text or
    // jsonb (22021, 22P05), a number out of range (22003), text that is not a number or a time.
    // Such a value comes from outside and should have been refused at the edge: the last net.
    return new NetfleetError('NF_STORE_BAD_VALUE', { what: 'a value', why: 'a NUL character or a number out of range', pgCode: pg.code }, e);
  }
  if (pg) return new NetfleetError('NF_STORE_FAILED', { reason: pg.message ?? pg.code ?? 'no message', pgCode: pg.code }, e);
  return new NetfleetError('NF_STORE_FAILED', { reason: e instanceof Error ? e.message : String(e) }, e);
}

/** The SQLSTATE of a PostgreSQL error (including netfleet's own, raised by its functions). */
export const pgCodeOf = (e: unknown): string | undefined => pgErrorOf(e)?.code;

/** The DETAIL of a PostgreSQL error (netfleet_append puts the stream's actual version there). */
export const pgDetailOf = (e: unknown): string | undefined => pgErrorOf(e)?.detail;
