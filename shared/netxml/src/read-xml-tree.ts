import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { NetworkXmlError, NetworkXmlErrorCode, type XmlProblem } from './network-xml-error.ts';

/** One element as the network parsers see it: names raw (with prefix), text decoded. */
export interface XmlNode {
  name: string;
  attributes: Array<[name: string, value: string]>;
  children: Array<XmlNode | string>;
  /** 1-based line of the start tag. */
  line: number;
}

// fast-xml-parser's ordered output: `{ tag: children, ':@': attrs }` or `{ '#text': … }`.
type OrderedEntry = Record<string, unknown>;

const metaSymbol = XMLParser.getMetaDataSymbol() as unknown as symbol;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Everything stays a string; the network parsers decide what a value means.
  parseAttributeValue: false,
  parseTagValue: false,
  // We decode the five predefined entities and character references ourselves, so that no
  // other entity is ever expanded (the input guard has already refused any DTD).
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  cdataPropName: '#cdata',
  captureMetaData: true,
});

/**
 * Well-formedness check (keeping fast-xml-parser's line and column), then the document's root
 * element as an `XmlNode` tree with start-tag line numbers.
 */
export function readXmlTree(xml: string): XmlNode {
  const verdict = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new NetworkXmlError(NetworkXmlErrorCode.Syntax, [
      { path: '/', line, message: `XML error: ${readableSyntaxMessage(msg)} (line ${line}, column ${col})` },
    ]);
  }

  const lineStarts = lineStartsOf(xml);
  const problems: XmlProblem[] = [];
  let entries: OrderedEntry[];
  try {
    entries = parser.parse(xml) as OrderedEntry[];
  } catch (error) {
    // The validator passed it, but the parser has limits of its own: still a syntax problem.
    const text = error instanceof Error ? error.message : String(error);
    throw new NetworkXmlError(NetworkXmlErrorCode.Syntax, [{ path: '/', message: `XML error: ${text}` }]);
  }
  const roots = entries
    .filter((entry) => elementName(entry) !== undefined)
    .map((entry) => toNode(entry, lineStarts, problems));
  if (problems.length > 0) throw new NetworkXmlError(NetworkXmlErrorCode.Syntax, problems);
  const root = roots[0];
  if (root === undefined) {
    throw new NetworkXmlError(NetworkXmlErrorCode.Syntax, [
      { path: '/', message: 'XML error: the document has no root element' },
    ]);
  }
  return root;
}

function elementName(entry: OrderedEntry): string | undefined {
  for (const key of Object.keys(entry)) {
    if (key === ':@' || key === '#text' || key === '#cdata' || key.startsWith('?')) continue;
    return key;
  }
  return undefined;
}

function toNode(entry: OrderedEntry, lineStarts: number[], problems: XmlProblem[]): XmlNode {
  const name = elementName(entry)!;
  const meta = (entry as Record<symbol, { startIndex?: number } | undefined>)[metaSymbol];
  const line = lineOf(lineStarts, meta?.startIndex ?? 0);
  const decode = (raw: string): string => decodeEntities(raw, line, problems);

  const rawAttributes = (entry[':@'] ?? {}) as Record<string, string>;
  const attributes = Object.entries(rawAttributes).map(
    ([key, value]): [string, string] => [key, decode(String(value))],
  );

  const children: XmlNode['children'] = [];
  for (const child of (entry[name] ?? []) as OrderedEntry[]) {
    if ('#text' in child) pushText(children, decode(String(child['#text'])));
    else if ('#cdata' in child) pushText(children, cdataText(child['#cdata']));
    else if (elementName(child) !== undefined) children.push(toNode(child, lineStarts, problems));
  }
  return { name, attributes, children, line };
}

/** Adjacent text pieces (text, CDATA, text) are one text node, as in the XML infoset. */
function pushText(children: XmlNode['children'], text: string): void {
  const last = children.length - 1;
  if (typeof children[last] === 'string') children[last] += text;
  else children.push(text);
}

function cdataText(value: unknown): string {
  if (Array.isArray(value)) return value.map((piece) => String((piece as OrderedEntry)['#text'] ?? '')).join('');
  return String(value);
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', apos: "'", quot: '"' };

function decodeEntities(raw: string, line: number, problems: XmlProblem[]): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    const text = whole.endsWith(';') ? decodeReference(ref) : undefined;
    if (text !== undefined) return text;
    problems.push({
      path: '/',
      line,
      value: whole,
      message: `XML error: undefined or malformed entity reference '${whole}' (line ${line})`,
    });
    return whole;
  });
}

function decodeReference(ref: string): string | undefined {
  const predefined = PREDEFINED[ref];
  if (predefined !== undefined) return predefined;
  const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
  if (!numeric) return undefined;
  const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
  if (!isXmlChar(code)) return undefined;
  return String.fromCodePoint(code);
}

/** XML 1.0's Char production. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(lineStarts: number[], index: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= index) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/**
 * fast-xml-parser reports elements still open at the end of the document as a JSON dump of their
 * names ("Invalid '[ \"network\", \"bad\" ]' found."); say it in words.
 */
export function readableSyntaxMessage(message: string): string {
  const unclosed = /^Invalid '(\[[\s\S]*\])' found\.?$/.exec(message)?.[1];
  if (unclosed === undefined) return message;
  try {
    const names = JSON.parse(unclosed) as string[];
    return `the document ends before ${names.map((n) => `<${n}>`).join(', ')} ${names.length > 1 ? 'are' : 'is'} closed`;
  } catch {
    return message;
  }
}
