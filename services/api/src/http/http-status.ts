import { ERROR_CODES, isErrorCode } from '@netfleet/errors/error-codes';

/**
 * The HTTP status for an error code, from the one error table. A code without a status (it
 * should never reach HTTP) is our own fault: 500.
 */
export function httpStatusOf(code: string): number {
  return (isErrorCode(code) ? ERROR_CODES[code].http : null) ?? 500;
}

/** Seconds a client should wait before retrying a 503 (dependency down, contention). */
export const RETRY_AFTER_SECONDS = 2;
