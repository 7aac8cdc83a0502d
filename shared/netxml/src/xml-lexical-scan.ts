/** A well-formedness problem at a character index of the document. */
export interface LexicalProblem {
  index: number;
  message: string;
  value?: string;
}

/**
 * The well-formedness rules saxes and fast-xml-parser get wrong or report badly, checked in one
 * linear pass with the exact place: characters outside XML 1.0's `Char` (C0 controls, lone
 * surrogates, U+FFFE/U+FFFF: saxes pairs a lone high surrogate with the next character), `--`
 * inside a comment, unterminated comments/CDATA/PIs, `<` in an attribute value, and every `&`
 * that is not one of the five predefined entities or a character reference to a `Char` (no DTD
 * is allowed, so no other entity can exist). Markup structure is left to saxes.
 */
export function findLexicalProblem(xml: string): LexicalProblem | undefined {
  const structural = findMarkupProblem(xml);
  const character = findBadCharacter(xml);
  if (structural === undefined || character === undefined) return structural ?? character;
  return character.index < structural.index ? character : structural;
}

function findMarkupProblem(xml: string): LexicalProblem | undefined {
  let i = 0;
  while (i < xml.length) {
    const c = xml.charCodeAt(i);
    if (c === 0x26 /* & */) {
      const problem = referenceProblem(xml, i);
      if (problem) return problem;
      i++;
    } else if (c === 0x3c /* < */) {
      const skipped = skipMarkup(xml, i);
      if (typeof skipped !== 'number') return skipped;
      i = skipped;
    } else i++;
  }
  return undefined;
}

/** Past the markup starting at `<`, or its problem. */
function skipMarkup(xml: string, lt: number): number | LexicalProblem {
  if (xml.startsWith('<!--', lt)) {
    const end = xml.indexOf('-->', lt + 4);
    const doubleHyphen = xml.indexOf('--', lt + 4);
    if (doubleHyphen >= 0 && (end < 0 || doubleHyphen < end)) {
      return { index: doubleHyphen, message: "'--' is not allowed inside a comment (nor a comment ending in '--->')", value: '--' };
    }
    if (end < 0) return { index: lt, message: 'the comment starting here is never closed with -->' };
    return end + 3;
  }
  if (xml.startsWith('<![CDATA[', lt)) {
    const end = xml.indexOf(']]>', lt + 9);
    if (end < 0) return { index: lt, message: 'the CDATA section starting here is never closed with ]]>' };
    return end + 3;
  }
  if (xml.startsWith('<?', lt)) {
    const end = xml.indexOf('?>', lt + 2);
    if (end < 0) return { index: lt, message: 'the processing instruction starting here is never closed with ?>' };
    return end + 2;
  }
  if (xml.startsWith('<!', lt)) return lt + 2; // not XML outside a DTD; saxes says so
  return skipTag(xml, lt + 1);
}

/** Past a start or end tag's `>`, checking its quoted attribute values. */
function skipTag(xml: string, from: number): number | LexicalProblem {
  let quote: number | undefined;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === 0x3c) return { index: i, message: "'<' is not allowed in an attribute value (write &lt;)", value: '<' };
      else if (c === 0x26) {
        const problem = referenceProblem(xml, i);
        if (problem) return problem;
      }
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e /* > */) return i + 1;
    else if (c === 0x3c) return i; // a tag that never ended; saxes reports it where it is
  }
  return xml.length;
}

const PREDEFINED_OR_CHAR_REF = /&(?:(amp|lt|gt|apos|quot)|#x([0-9a-fA-F]+)|#([0-9]+));/y;

function referenceProblem(xml: string, at: number): LexicalProblem | undefined {
  PREDEFINED_OR_CHAR_REF.lastIndex = at;
  const match = PREDEFINED_OR_CHAR_REF.exec(xml);
  if (match?.[1] !== undefined) return undefined;
  if (match) {
    const code = match[2] !== undefined ? parseInt(match[2], 16) : parseInt(match[3]!, 10);
    if (isXmlChar(code)) return undefined;
    return {
      index: at,
      value: match[0],
      message: `character reference '${match[0]}' is not a character XML allows`,
    };
  }
  const shown = /^&[^\s&<>"';]{0,32};?/.exec(xml.slice(at, at + 40))?.[0] ?? '&';
  return {
    index: at,
    value: shown,
    message: `undefined or malformed entity reference '${shown}' (write a literal & as &amp;)`,
  };
}

/** The first character outside XML 1.0's `Char` production. */
function findBadCharacter(xml: string): LexicalProblem | undefined {
  // Lone surrogates, C0 controls other than tab/LF/CR, and the non-characters U+FFFE/U+FFFF.
  const bad = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(
    xml,
  );
  if (!bad) return undefined;
  const code = bad[0].charCodeAt(0);
  return {
    index: bad.index,
    value: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`,
    message: `character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML${
      code >= 0xd800 && code <= 0xdfff ? ' (a lone UTF-16 surrogate)' : ''
    }`,
  };
}

/** XML 1.0's Char production. */
export function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
