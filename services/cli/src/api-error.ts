import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { ERROR_CODES, isErrorCode } from '@netfleet/errors/error-codes';

/** The part a 503 says the API cannot reach, by its code. */
const UNREACHABLE_PART: Record<string, string> = {
  NF_STORE_UNAVAILABLE: 'PostgreSQL',
  NF_STORE_NO_DATABASE: 'PostgreSQL',
  NF_BUS_UNAVAILABLE: 'NATS',
  NF_BUS_JETSTREAM: 'NATS JetStream',
};

/**
 * The API's `{code, message, details}` as a NetfleetError. A code this CLI does not know (a newer
 * API) or a body outside the contract keeps the API's words, under NF_CLI_API_ERROR. A 503 says
 * which part the API cannot reach, with its code, and when to retry (the API's Retry-After).
 */
export function apiError(status: number, code: string | undefined, message: string, details: Record<string, unknown> = {}, retryAfter?: string | null): NetfleetError {
  // A 503 code also ends a streamed answer (--wait) whose status was already 200.
  const unavailable = status === 503 || (code !== undefined && isErrorCode(code) && ERROR_CODES[code].http === 503);
  const text = unavailable ? unavailableText(code, message, retryAfter) : message;
  if (code !== undefined && isErrorCode(code)) return NetfleetError.received(code, text, details);
  return new NetfleetError('NF_CLI_API_ERROR', { apiMessage: text, status, apiDetails: details, ...(code !== undefined ? { apiCode: code } : {}) });
}

function unavailableText(code: string | undefined, message: string, retryAfter: string | null | undefined): string {
  const part = code !== undefined ? UNREACHABLE_PART[code] : undefined;
  const seconds = retryAfter != null && /^\d{1,6}$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  const head = part ? `the API cannot reach ${part} (${code}): ` : code !== undefined ? `the API is unavailable (${code}): ` : '';
  return `${head}${message}${seconds !== undefined ? `; retry in ${seconds} s` : ''}`;
}
