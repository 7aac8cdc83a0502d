import { NetfleetError } from '@netfleet/errors/netfleet-error';
import { isErrorCode } from '@netfleet/errors/error-codes';

/**
 * The API's `{code, message, details}` as a NetfleetError. A code this CLI does not know (a newer
 * API) or a body outside the contract keeps the API's words, under NF_CLI_API_ERROR.
 */
export function apiError(status: number, code: string | undefined, message: string, details: Record<string, unknown> = {}): NetfleetError {
  if (code !== undefined && isErrorCode(code)) return new NetfleetError(code, message, details);
  return new NetfleetError('NF_CLI_API_ERROR', message, { ...details, status, ...(code !== undefined ? { apiCode: code } : {}) });
}
