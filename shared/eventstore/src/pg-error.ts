import { NetfleetError } from '@netfleet/errors/netfleet-error';

interface PgErrorLike { code?: string; constraint?: string; message?: string }

const isPgError = (e: unknown): e is PgErrorLike => typeof e === 'object' && e !== null && 'code' in e;

export const isUniqueViolation = (e: unknown, constraint?: string): boolean =>
  isPgError(e) && e.code === '23505' && (constraint === undefined || e.constraint === constraint);

/** A connection to PostgreSQL that failed or was cut, rather than a query PostgreSQL refused. */
export function isPgConnectionError(e: unknown): boolean {
  if (isPgError(e) && ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '08003', '3D000'].includes(e.code ?? '')) return true;
  return e instanceof Error && /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/.test(e.message);
}

/**
 * PostgreSQL refused a value itself (SQLSTATE class 22, data exception): a NUL character in text
 * or jsonb (22021, 22P05), a number out of its column's range (22003), text that is not a number
 * or a time (22P02, 22007, 22008). Such a value comes from outside and should have been refused at
 * the edge; this is the last net below it.
 */
export const isPgDataError = (e: unknown): boolean => isPgError(e) && typeof e.code === 'string' && e.code.startsWith('22');

/** Maps a PostgreSQL error to netfleet's error, once, at the adapter's edge. */
export function fromPgError(e: unknown): NetfleetError {
  if (e instanceof NetfleetError) return e;
  if (isPgConnectionError(e) && !(isPgError(e) && e.code === '3D000')) {
    return new NetfleetError('NF_STORE_UNAVAILABLE', `the event store (PostgreSQL) is unreachable: ${(e as Error).message}; check that PostgreSQL runs and NETFLEET_PG_URL is right`, {}, e);
  }
  if (isPgError(e)) {
    if (e.code === 'ECONNREFUSED' || e.code === '57P01' || e.code === '08006' || e.code === '08001') {
      return new NetfleetError('NF_STORE_UNAVAILABLE', `the event store (PostgreSQL) is unreachable: ${e.message ?? e.code}; check that PostgreSQL runs and NETFLEET_PG_URL is right`, { pgCode: e.code }, e);
    }
    if (e.code === '3D000') {
      return new NetfleetError('NF_STORE_NO_DATABASE', `the event store's database does not exist: ${e.message}`, { pgCode: e.code }, e);
    }
    return new NetfleetError('NF_STORE_FAILED', `the event store failed: ${e.message ?? e.code}`, { pgCode: e.code }, e);
  }
  return new NetfleetError('NF_STORE_FAILED', `the event store failed: ${String(e)}`, {}, e);
}

/** The SQLSTATE of a PostgreSQL error (including netfleet's own, raised by its functions). */
export const pgCodeOf = (e: unknown): string | undefined => (isPgError(e) ? e.code : undefined);
