import type { ErrorCode } from './error-codes';

/**
 * The one error type netfleet's own code throws. `code` is a stable string a caller can branch
 * on (`NF_<AREA>_<WHAT>`, one of error-codes.ts's table); `message` says what is wrong and what to
 * do. HTTP statuses and retry policies are read from that table at the edges, never decided here.
 */
export class NetfleetError extends Error {
  override readonly name: string = 'NetfleetError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isNetfleetError(value: unknown): value is NetfleetError {
  return value instanceof NetfleetError;
}
