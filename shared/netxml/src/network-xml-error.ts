import { NetfleetError } from '@netfleet/errors/netfleet-error';

export const NetworkXmlErrorCode = {
  /** Not well-formed XML. */
  Syntax: 'NF_XML_SYNTAX',
  /** Well-formed, but breaks a rule of the network format. */
  Invalid: 'NF_XML_INVALID',
  /** A DTD or entity declaration: refused before parsing (no entity expansion of any kind). */
  Forbidden: 'NF_XML_FORBIDDEN',
  /** Over the size or nesting-depth limit: refused before parsing. */
  TooLarge: 'NF_XML_TOO_LARGE',
} as const;
export type NetworkXmlErrorCode = (typeof NetworkXmlErrorCode)[keyof typeof NetworkXmlErrorCode];

export interface XmlProblem {
  /** XPath-like location, e.g. `/network/controller[2]/@port`. */
  path: string;
  line?: number;
  /** 1-based column, for syntax errors (where the text stops being XML). */
  column?: number;
  /** The offending value, when there is one. */
  value?: string;
  /** The full one-line human text, e.g. `XML error: … (/network/datapath/@id, line 4)`. */
  message: string;
}

/**
 * Every problem found in one document, not just the first, so a user fixes them in one go.
 * Callers branch on `code`; `problems` carries the structured detail.
 */
export class NetworkXmlError extends NetfleetError<NetworkXmlErrorCode> {
  override readonly name = 'NetworkXmlError';
  override readonly code: NetworkXmlErrorCode;
  readonly problems: XmlProblem[];

  constructor(code: NetworkXmlErrorCode, problems: XmlProblem[]) {
    super(code, { problems });
    this.code = code;
    this.problems = problems;
  }
}

export function isNetworkXmlError(value: unknown): value is NetworkXmlError {
  return value instanceof NetworkXmlError;
}
