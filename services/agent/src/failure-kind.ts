import { isErrorCode, specOf } from '@netfleet/errors/error-codes';

/**
 * Whether trying the same thing again later can succeed, read from the error table's `retriable`
 * flag (shared/errors/src/error-codes.ts) — the one list there is. A code the table does not
 * know (an older peer's) is treated as terminal: retrying blindly could flood.
 */
export function isRetriable(code: string): boolean {
  return isErrorCode(code) && specOf(code).retriable;
}
