import { MAX_POSITION, NAME_MAX_LENGTH } from '@netfleet/events/name-limits';

/**
 * Bounds every route's JSON Schema shares, so each string has a length and no NUL, and each
 * number a range: input the schema lets through must be storable and must never become a 500.
 */
export const NO_NUL = '^[^\\u0000]*$';

export const text = (maxLength: number, description?: string) =>
  ({ type: 'string', maxLength, pattern: NO_NUL, ...(description ? { description } : {}) }) as const;

/** A network name in a path or query: the one name limit (the XML's own rules are netxml's). */
export const networkName = { type: 'string', minLength: 1, maxLength: NAME_MAX_LENGTH, pattern: NO_NUL } as const;
export const hostName = { type: 'string', pattern: `^[A-Za-z0-9_-]{1,${NAME_MAX_LENGTH}}$` } as const;
export const tokenName = { type: 'string', pattern: `^[A-Za-z0-9_.@-]{1,${NAME_MAX_LENGTH}}$` } as const;
export const comment = text(2000, 'why (recorded in the history)');
/** A label selector `key=value[,key=value…]`, parsed (and refused with its own code) by resolvePlacement. */
export const selector = text(1024, 'label selector: key=value[,key=value]');

/** A global log position: a whole number JSON carries exactly. */
export const position = (description: string) => ({ type: 'integer', minimum: 0, maximum: MAX_POSITION, description }) as const;

/** Seconds to wait: finite, positive, at most an hour (a wait never runs forever). */
export const WAIT_TIMEOUT_MAX_SECONDS = 3600;
export const waitTimeout = { type: 'number', exclusiveMinimum: 0, maximum: WAIT_TIMEOUT_MAX_SECONDS, default: 30, description: `seconds --wait waits (more than 0, at most ${WAIT_TIMEOUT_MAX_SECONDS})` } as const;

export { NAME_MAX_LENGTH };
