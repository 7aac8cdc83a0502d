import { NetworkXmlError, NetworkXmlErrorCode } from './network-xml-error.ts';

/** Far above any real network definition (libvirt's largest corpus file is ~2 KiB). */
export const MAX_XML_BYTES = 1024 * 1024;
/** `<network>` nests 5 deep at most; metadata may nest a little more. */
export const MAX_XML_DEPTH = 64;

/**
 * Refuses input that is too big, too deep, or declares a DTD or entities, before any parser
 * sees it: the checks are linear scans over the string that allocate nothing per element, so a
 * hostile document costs at most one pass.
 */
export function guardXmlInput(xml: string): void {
  const bytes = utf8ByteLengthUpTo(xml, MAX_XML_BYTES + 1);
  if (bytes > MAX_XML_BYTES) {
    throw new NetworkXmlError(NetworkXmlErrorCode.TooLarge, [
      {
        path: '/',
        message: `XML error: document is larger than the limit of ${MAX_XML_BYTES} bytes`,
      },
    ]);
  }

  // Anywhere, even inside a comment: refusing a false positive is cheaper than a subtle bypass.
  const declaration = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)/i.exec(xml);
  if (declaration) {
    const line = lineAt(xml, declaration.index);
    const what = declaration[1]!.toUpperCase();
    throw new NetworkXmlError(NetworkXmlErrorCode.Forbidden, [
      {
        path: '/',
        line,
        value: `<!${what}`,
        message: `XML error: <!${what}> declarations are not allowed in network XML (no DTDs or entities) (line ${line})`,
      },
    ]);
  }

  const deep = findTooDeep(xml, MAX_XML_DEPTH);
  if (deep !== undefined) {
    const line = lineAt(xml, deep);
    throw new NetworkXmlError(NetworkXmlErrorCode.TooLarge, [
      {
        path: '/',
        line,
        message: `XML error: elements nest deeper than the limit of ${MAX_XML_DEPTH} (line ${line})`,
      },
    ]);
  }
}

/** UTF-8 length of `text`, counting no further than `stop` (so the scan is bounded). */
function utf8ByteLengthUpTo(text: string, stop: number): number {
  if (text.length >= stop) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4; // a surrogate pair is one 4-byte code point
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Index of the first start tag past `limit` levels, or undefined. Only a rough tokenizer:
 * comments, CDATA, PIs and quoted attribute values are skipped so they cannot fake tags; the
 * real parser still judges well-formedness afterwards.
 */
function findTooDeep(xml: string, limit: number): number | undefined {
  let depth = 0;
  let i = 0;
  while (true) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) return undefined;
    if (xml.startsWith('<!--', lt)) {
      i = skipPast(xml, lt + 4, '-->');
    } else if (xml.startsWith('<![CDATA[', lt)) {
      i = skipPast(xml, lt + 9, ']]>');
    } else if (xml.startsWith('<?', lt)) {
      i = skipPast(xml, lt + 2, '?>');
    } else if (xml.startsWith('</', lt)) {
      depth = Math.max(0, depth - 1);
      i = skipPast(xml, lt + 2, '>');
    } else {
      const end = endOfTag(xml, lt + 1);
      if (xml[end - 1] !== '/') {
        depth++;
        if (depth > limit) return lt;
      }
      i = end + 1;
    }
    if (i <= lt) return undefined;
  }
}

function skipPast(xml: string, from: number, marker: string): number {
  const at = xml.indexOf(marker, from);
  return at < 0 ? xml.length : at + marker.length;
}

/** Index of the `>` closing a start tag, honouring quoted attribute values. */
function endOfTag(xml: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return xml.length;
}

/** 1-based line number of a character index. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
