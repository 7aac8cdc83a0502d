import { NetfleetError } from '@netfleet/errors/netfleet-error';

/** Positions are bigserials, read as JS numbers: they must stay integers below 2^53. */
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

/**
 * A resume position as a client sends it (Last-Event-ID, ?after=): decimal digits only, no sign,
 * exponent, hex, fraction or whitespace, at most 2^53 − 1. Anything else is the client's mistake
 * (400), never a query PostgreSQL refuses.
 */
export function parseStreamPosition(value: string, source: 'Last-Event-ID' | 'after'): number {
  const position = /^[0-9]{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(position) || position > MAX_POSITION) {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    throw new NetfleetError('NF_API_BAD_REQUEST', {
      problem: `${source === 'after' ? '?after=' : 'the Last-Event-ID header'} must be a log position: a whole number from 0 to ${MAX_POSITION} (got '${shown}'); resume with the id of the last event received`,
      parameter: source, value: shown,
    });
  }
  return position;
}
