import type { ErrorCode } from './error-codes';
import { renderErrorMessage, type ErrorDetails } from './error-message';

/** Codes whose details are all optional may be raised without any. */
type DetailsArgs<C extends ErrorCode> = {} extends ErrorDetails<C>
  ? [details?: ErrorDetails<C>, cause?: unknown]
  : [details: ErrorDetails<C>, cause?: unknown];

/** Set only while `received` builds an error whose message another process already rendered. */
let receivedMessage: string | undefined;

/**
 * The one error type netfleet's own code throws. `code` is a stable string a caller can branch
 * on (`NF_<AREA>_<WHAT>`, one of error-codes.ts's table); `details` are the fields the table
 * declares for that code (checked by tsc at each throw site), and `message`, rendered from the
 * code's template and those details, says what is wrong and what to do. HTTP statuses and retry
 * policies are read from that table at the edges, never decided here.
 */
export class NetfleetError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name: string = 'NetfleetError';
  readonly code: C;
  readonly details: Record<string, unknown>;

  constructor(code: C, ...[details, cause]: DetailsArgs<C>) {
    const given = (details ?? {}) as ErrorDetails<C>;
    super(receivedMessage ?? renderErrorMessage(code, given), cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = given as Record<string, unknown>;
  }

  /**
   * An error another netfleet process rendered (the API's `{code, message, details}` answer, read
   * by the CLI), kept in its words: its details come off the wire, so no template applies here.
   */
  static received(code: ErrorCode, message: string, details: Record<string, unknown>): NetfleetError {
    receivedMessage = message;
    try {
      return new NetfleetError<ErrorCode>(code, details as never);
    } finally {
      receivedMessage = undefined;
    }
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isNetfleetError(value: unknown): value is NetfleetError {
  return value instanceof NetfleetError;
}
