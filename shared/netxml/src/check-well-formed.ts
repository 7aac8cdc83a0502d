import { XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { NetworkXmlError, NetworkXmlErrorCode } from './network-xml-error.ts';
import { findLexicalProblem } from './xml-lexical-scan.ts';

/**
 * Refuses anything that is not well-formed XML 1.0, as libxml2 (libvirt's parser) does, with
 * NF_XML_SYNTAX and the line and column. Three passes, first problem wins:
 * 1. our lexical scan (characters, comments, references, `<` in values: exact places);
 * 2. fast-xml-parser's validator, kept for its clear words on unclosed and mismatched tags;
 * 3. saxes, a strict XML 1.0 well-formedness checker (jsdom's parser), for every remaining
 *    rule fast-xml-parser is lenient about: one root, nothing but comments, PIs and whitespace
 *    around it, `]]>` in text, names, duplicate attributes, the XML declaration's place.
 * Namespaces are not checked, as libxml2 only warns about unbound prefixes.
 */
export function checkWellFormed(xml: string): void {
  const lexical = findLexicalProblem(xml);
  if (lexical) {
    const { line, column } = lineColumnAt(xml, lexical.index);
    throw syntaxError(lexical.message, line, column, lexical.value);
  }

  const verdict = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    const message = readableSyntaxMessage(msg);
    // "ends before … closed" and "no start tag" are about the end of the text: say where it is.
    if (message !== msg || col === undefined) {
      const end = lineColumnAt(xml, xml.length);
      throw syntaxError(col === undefined && message === 'Start tag expected.' ? 'the document has no root element' : message, end.line, end.column);
    }
    throw syntaxError(message, line, col);
  }

  const strict = firstSaxesError(xml);
  if (strict) throw syntaxError(strict.message, strict.line, strict.column);
}

function syntaxError(message: string, line: number, column: number, value?: string): NetworkXmlError {
  return new NetworkXmlError(NetworkXmlErrorCode.Syntax, [
    {
      path: '/',
      line,
      column,
      ...(value !== undefined ? { value } : {}),
      message: `XML error: ${message} (line ${line}, column ${column})`,
    },
  ]);
}

/** saxes's terse messages, in the words the rest of our errors use. */
const SAXES_WORDS: Array<[RegExp, string]> = [
  [/^text data outside of root node\.$/, 'text outside the root element (only comments, processing instructions and whitespace may follow or precede it)'],
  [/^documents may contain only one root\.$/, 'a second root element (a document has exactly one)'],
  [/^document must contain a root element\.$/, 'the document has no root element'],
  [/^disallowed character in (tag|attribute) name\.?$/, 'disallowed character in a $1 name (names start with a letter, _ or :)'],
];

function firstSaxesError(xml: string): { message: string; line: number; column: number } | undefined {
  // libxml2 reads a version="1.1" document by XML 1.0's rules too.
  const parser = new SaxesParser({ xmlns: false, position: true, defaultXMLVersion: '1.0', forceXMLVersion: true });
  let first: { message: string; line: number; column: number } | undefined;
  parser.on('error', (error) => {
    if (first !== undefined) return;
    // saxes prefixes "line:column: "; it counts the column after reading the culprit (1-based).
    let message = error.message.replace(/^\d+:\d+: /, '');
    for (const [pattern, words] of SAXES_WORDS) {
      if (pattern.test(message)) {
        message = message.replace(pattern, words);
        break;
      }
    }
    first = { message: message.replace(/\.$/, ''), line: parser.line, column: Math.max(1, parser.column) };
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    first ??= { message: error instanceof Error ? error.message : String(error), line: parser.line, column: parser.column };
  }
  return first;
}

/** 1-based line and column (in characters, not UTF-16 units) of a character index. */
export function lineColumnAt(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: [...text.slice(lineStart, index)].length + 1 };
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
