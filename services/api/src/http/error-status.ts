/**
 * HTTP status per netfleet error code: the edge's table, never the domain's business. Unknown
 * codes of the client-input areas are 400; anything else unknown is a server fault (500).
 */
const STATUS_BY_CODE: Record<string, number> = {
  NF_XML_SYNTAX: 400,
  NF_XML_INVALID: 400,
  NF_XML_FORBIDDEN: 400,
  NF_XML_TOO_LARGE: 413,
  NF_API_BAD_REQUEST: 400,
  NF_AUTH_MISSING: 401,
  NF_AUTH_INVALID: 401,
  NF_AUTH_FORBIDDEN: 403,
  NF_NETWORK_NOT_FOUND: 404,
  NF_NETWORK_EXISTS: 409,
  NF_NETWORK_ALREADY_ACTIVE: 409,
  NF_NETWORK_NOT_ACTIVE: 409,
  NF_NETWORK_ACTIVE: 409,
  NF_NETWORK_BRIDGE_CONFLICT: 409,
  NF_NETWORK_NO_PLACEMENT: 400,
  NF_HOST_INVALID: 400,
  NF_HOST_UNKNOWN: 400,
  NF_HOST_NO_MATCH: 400,
  NF_TOKEN_EXISTS: 409,
  NF_TOKEN_NOT_FOUND: 404,
  NF_STORE_CONFLICT: 409,
  NF_STORE_UNAVAILABLE: 503,
  NF_STORE_NO_DATABASE: 503,
  NF_STORE_CONTENDED: 503,
  NF_HISTORY_BAD_POINT: 400,
  NF_BUS_UNAVAILABLE: 503,
};

export function httpStatusOf(code: string): number {
  return STATUS_BY_CODE[code] ?? (code.startsWith('NF_XML_') ? 400 : 500);
}
