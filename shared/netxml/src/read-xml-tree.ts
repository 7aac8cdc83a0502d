import { XMLParser } from 'fast-xml-parser';
import { checkWellFormed } from './check-well-formed.ts';
import { NetworkXmlError, NetworkXmlErrorCode } from './network-xml-error.ts';

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
 * Strict well-formedness check (`checkWellFormed`, with line and column), then the document's
 * root element as an `XmlNode` tree with start-tag line numbers. fast-xml-parser only ever sees
 * well-formed documents.
 */
export function readXmlTree(xml: string): XmlNode {
  checkWellFormed(xml);
  const lineStarts = lineStartsOf(xml);
  let entries: OrderedEntry[];
  try {
    entries = parser.parse(xml) as OrderedEntry[];
  } catch (error) {
    // Well-formed, but the parser has limits of its own: still a syntax problem.
    const text = error instanceof Error ? error.message : String(error);
    throw new NetworkXmlError(NetworkXmlErrorCode.Syntax, [{ path: '/', message: `XML error: ${text}` }]);
  }
  const root = entries.find((entry) => elementName(entry) !== undefined);
  if (root === undefined) {
    throw new NetworkXmlError(NetworkXmlErrorCode.Syntax, [
      { path: '/', message: 'XML error: the document has no root element' },
    ]);
  }
  return toNode(root, lineStarts);
}

function elementName(entry: OrderedEntry): string | undefined {
  for (const key of Object.keys(entry)) {
    if (key === ':@' || key === '#text' || key === '#cdata' || key.startsWith('?')) continue;
    return key;
  }
  return undefined;
}

function toNode(entry: OrderedEntry, lineStarts: number[]): XmlNode {
  const name = elementName(entry)!;
  const meta = (entry as Record<symbol, { startIndex?: number } | undefined>)[metaSymbol];
  const line = lineOf(lineStarts, meta?.startIndex ?? 0);

  const rawAttributes = (entry[':@'] ?? {}) as Record<string, string>;
  const attributes = Object.entries(rawAttributes).map(
    ([key, value]): [string, string] => [key, decodeEntities(String(value))],
  );

  const children: XmlNode['children'] = [];
  for (const child of (entry[name] ?? []) as OrderedEntry[]) {
    if ('#text' in child) pushText(children, decodeEntities(String(child['#text'])));
    else if ('#cdata' in child) pushText(children, cdataText(child['#cdata']));
    else if (elementName(child) !== undefined) children.push(toNode(child, lineStarts));
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

/** The five predefined entities and character references; checkWellFormed allowed no others. */
function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(?:(amp|lt|gt|apos|quot)|#x([0-9a-fA-F]+)|#([0-9]+));/g, (_whole, name?: string, hex?: string, decimal?: string) =>
    name !== undefined ? PREDEFINED[name]! : String.fromCodePoint(hex !== undefined ? parseInt(hex, 16) : parseInt(decimal!, 10)),
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
