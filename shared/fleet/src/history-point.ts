import { NetfleetError } from '@netfleet/errors/netfleet-error';

/** A point of the log's past: a global position, or a moment. */
export type HistoryPoint = { position: number } | { time: Date };

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads `--at` / `?at=`: a non-negative integer is a position, an ISO-8601 date or time a moment
 * (without a zone it is UTC, so the answer does not depend on where the API runs). `parameter`
 * names what was read in a refusal (`since`, `until` elsewhere). Pure.
 */
export function parseHistoryPoint(text: string, parameter = 'at'): HistoryPoint {
  const value = text.trim();
  // A position JSON (and the log) holds exactly: 2^53 - 1 at most, never a rounded 2^63.
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return { position: Number(value) };
  if (ISO_8601.test(value)) {
    const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) || !value.includes(':') ? value : `${value}Z`;
    const time = new Date(zoned.replace(' ', 'T'));
    if (!Number.isNaN(time.getTime())) return { time };
  }
  throw new NetfleetError('NF_HISTORY_BAD_POINT', { parameter, value: text, expected: 'neither a log position (a whole number) nor an ISO-8601 time' });
}
