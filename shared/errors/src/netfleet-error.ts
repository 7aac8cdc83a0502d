/**
 * The one error type netfleet's own code throws. `code` is a stable string a caller can branch
 * on (`NF_<AREA>_<WHAT>`); `message` says what is wrong and what to do. HTTP statuses, exit codes
 * and retry policies are tables at the edges, keyed by code — never decided here.
 */
export class NetfleetError extends Error {
  override readonly name: string = 'NetfleetError';
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isNetfleetError(value: unknown): value is NetfleetError {
  return value instanceof NetfleetError;
}
