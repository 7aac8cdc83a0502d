import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineColumnAt } from './check-well-formed.ts';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';

function syntaxProblemOf(xml: string): { line?: number; column?: number; value?: string; message: string } {
  try {
    parseNetworkXml(xml);
  } catch (error) {
    if (!(error instanceof NetworkXmlError)) throw error;
    expect(error.code).toBe('NF_XML_SYNTAX');
    expect(error.problems).toHaveLength(1);
    expect(error.details).toEqual({ problems: error.problems });
    return error.problems[0]!;
  }
  throw new Error('expected the document to be refused');
}

/** [what, document, line, column, words in the message] — libxml2 refuses every one of them. */
const MALFORMED: Array<[string, string, number, number, RegExp]> = [
  // comments
  ['-- inside a comment', '<network>\n  <!-- ovs-openflowd --hw-desc=x -->\n</network>', 2, 22, /'--' is not allowed inside a comment/],
  ['a comment ending in --->', '<network>\n<!-- a --->\n</network>', 2, 8, /'--' is not allowed inside a comment/],
  ['a comment never closed', '<network>\n<!-- a\n</network>', 2, 1, /comment starting here is never closed/],
  // attribute values and references
  ['< in an attribute value', '<network>\n  <name a="x<y">n</name></network>', 2, 13, /'<' is not allowed in an attribute value/],
  ['a raw & in an attribute', '<network>\n  <name a="a & b">n</name></network>', 2, 14, /malformed entity reference '&'/],
  ['a raw & in text', '<network>\n <name>a & b</name></network>', 2, 10, /malformed entity reference '&'/],
  ['&amp without ;', '<network><name>&amp</name></network>', 1, 16, /malformed entity reference '&amp'/],
  ['an undefined entity', '<network><name>&nbsp;</name></network>', 1, 16, /undefined or malformed entity reference '&nbsp;'/],
  ['a predefined entity in the wrong case', '<network><name>&AMP;</name></network>', 1, 16, /'&AMP;'/],
  ['mismatched quotes', `<network><name a="x'>n</name></network>`, 1, 23, /'<' is not allowed in an attribute value/],
  ['a duplicate attribute', '<network><name a="1" a="2">n</name></network>', 1, 22, /'a' is repeated/],
  ['an attribute without a value', '<network><name a>n</name></network>', 1, 16, /boolean attribute 'a'/],
  ['an unquoted attribute value', '<network><name a=1>n</name></network>', 1, 16, /'a' is without value/],
  ['attributes without space between', '<network><name a="1"b="2">n</name></network>', 1, 21, /'b' has no space/],
  // characters
  ['a C0 control character', '<network><name>a\u0001</name></network>', 1, 17, /character U\+0001 is not allowed/],
  ['NUL', '<network>\n<name>\u0000</name></network>', 2, 7, /character U\+0000/],
  ['a control character in a comment', '<network><!-- \u001b --></network>', 1, 15, /character U\+001B/],
  ['a character reference to a control', '<network><name>&#1;</name></network>', 1, 16, /character reference '&#1;'/],
  ['a hex character reference to a control', '<network><name a="&#x1F;">n</name></network>', 1, 19, /character reference '&#x1F;'/],
  ['a reference to U+FFFF', '<network><name>&#xFFFF;</name></network>', 1, 16, /'&#xFFFF;'/],
  ['a reference beyond Unicode', '<network><name>&#x110000;</name></network>', 1, 16, /'&#x110000;'/],
  ['a reference to a surrogate', '<network><name>&#xD800;</name></network>', 1, 16, /'&#xD800;'/],
  ['a lone high surrogate', '<network><name>\ud800</name></network>', 1, 16, /U\+D800 .*lone UTF-16 surrogate/],
  ['a lone low surrogate', '<network><name>x\udc00</name></network>', 1, 17, /U\+DC00/],
  ['U+FFFE', '<network><name>\ufffe</name></network>', 1, 16, /U\+FFFE/],
  ['U+FFFF in an attribute', '<network><name a="\uffff">n</name></network>', 1, 19, /U\+FFFF/],
  // one root, nothing around it
  ['a second root element', '<network><name>n</name></network>\n<network/>', 2, 9, /a second root element/],
  ['an element after a comment after the root', '<network><name>n</name></network><!-- c --><a/>', 1, 46, /a second root element/],
  ['text after the root', '<network><name>n</name></network>\nx', 2, 1, /Extra text at the end/],
  ['text before the root', 'x<network><name>n</name></network>', 1, 1, /'x' is not expected/],
  ['a BOM after the XML declaration', '<?xml version="1.0"?>\ufeff<network><name>n</name></network>', 1, 22, /not expected/],
  ['an empty document', '', 1, 1, /no root element/],
  ['only a comment', '<!-- x -->', 1, 11, /no root element/],
  // declarations, PIs, CDATA, names
  ['an XML declaration after whitespace', ' <?xml version="1.0"?><network><name>n</name></network>', 1, 7, /XML declaration allowed only at the start/],
  ['an XML declaration inside the root', '<network><?xml version="1.0"?><name>n</name></network>', 1, 15, /XML declaration must be at the start/],
  ['a PI named xml in another case', '<network><?XmL x?><name>n</name></network>', 1, 18, /XML declaration must appear at the start/],
  ['a PI never closed', '<network><?pi x<name>n</name></network>', 1, 10, /processing instruction starting here is never closed/],
  ['a CDATA section never closed', '<network><name><![CDATA[abc</name></network>', 1, 16, /CDATA section starting here is never closed/],
  [']]> in text', '<network><name>a]]>b</name></network>', 1, 19, /"\]\]>" is disallowed in char data/],
  ['a name starting with a digit', '<network><1name>n</1name></network>', 1, 16, /'1name' is an invalid name/],
  ['an attribute name starting with a digit', '<network><name 1a="x">n</name></network>', 1, 16, /disallowed character in a attribute name|invalid/],
  ['an end tag with attributes', '<network><name>n</name x="1"></network>', 1, 17, /Closing tag 'name'/],
  // tags
  ['an element left open', '<network><name>x</name><bad', 1, 28, /ends before <network>, <bad> are closed/],
  ['a mismatched end tag', '<network>\n  <name>x</name>\n  <bridge name="a">\n</network>', 4, 1, /Expected closing tag 'bridge' \(opened in line 3, col 3\)/],
];

describe('strict well-formedness', () => {
  it.each(MALFORMED)('refuses %s with line and column', (_what, xml, line, column, words) => {
    const problem = syntaxProblemOf(xml);
    expect(problem).toMatchObject({ line, column });
    expect(problem.message).toMatch(words);
    expect(problem.message).toMatch(new RegExp(`^XML error: .+ \\(line ${line}, column ${column}\\)$`));
  });

  it('names the offending value where there is one', () => {
    expect(syntaxProblemOf('<network><name>&#1;</name></network>').value).toBe('&#1;');
    expect(syntaxProblemOf('<network><name>\u0007</name></network>').value).toBe('U+0007');
    expect(syntaxProblemOf('<network><!-- a -- b --></network>').value).toBe('--');
  });

  it('counts columns in characters, not UTF-16 units', () => {
    expect(syntaxProblemOf('<network><name>😀😀&x;</name></network>')).toMatchObject({ line: 1, column: 18 });
  });

  it.each([
    ['comments and PIs after the root', '<network><name>n</name></network>\n<!-- trailing -->\n<?pi x?>\n'],
    ['comments and PIs before the root', '<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><?pi?>\n<network><name>n</name></network>'],
    ['a BOM at the very start', '\ufeff<network><name>n</name></network>'],
    ['& and < inside comments, CDATA and PIs', '<network><!-- a & b < c --><?pi & < ?><name><![CDATA[x & <y>]]></name></network>'],
    ['> and quotes of the other kind in attribute values', `<network><name a="x > y 'q'" b='"'>n</name></network>`],
    ['CRLF line ends', '<network>\r\n<name>n</name>\r\n</network>\r\n'],
    ['a comment starting with "-"', '<network><!--- x --><name>n</name></network>'],
    ['C1 controls, a BOM inside text, astral characters and their references', '<network><name>\u0085\ufeff😀&#x1F600;&#128512;</name></network>'],
    ['references with leading zeros', '<network><name>&#x0000041;&#00066;</name></network>'],
  ])('accepts %s', (_what, xml) => {
    expect(parseNetworkXml(xml).name).toBeTypeOf('string');
  });

  it('judges a version="1.1" document by XML 1.0 rules, as libxml2 does', () => {
    expect(syntaxProblemOf('<?xml version="1.1"?>\n<network><name>&#1;</name></network>')).toMatchObject({ line: 2, column: 16 });
    expect(parseNetworkXml('<?xml version="1.1"?><network><name>a\u0085</name></network>').name).toBe('a\u0085');
  });

  it('decodes what it accepts', () => {
    expect(parseNetworkXml('<network><name>&#x0000041;&#00066;&amp;&#x1F600;</name></network>').name).toBe('AB&😀');
  });
});

describe('malformations inserted anywhere', () => {
  const corpus = readFileSync(new URL('../test-data/libvirt-networkxml/in/nat-network-dns-srv-records.xml', import.meta.url), 'utf8');
  const forbidden = fc.constantFrom('\u0000', '\u0001', '\u001f', '\ufffe', '\uffff', '\ud800', '\udfff');

  it('a character XML forbids is refused at exactly its line and column, wherever it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length }), forbidden, (at, character) => {
        // Not between the halves of a surrogate pair (the corpus is ASCII, so never).
        const xml = corpus.slice(0, at) + character + corpus.slice(at);
        expect(syntaxProblemOf(xml)).toMatchObject(lineColumnAt(xml, at));
      }),
    );
  });

  it('a raw & or a second root is refused wherever it is put in the text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length }), fc.constantFrom('&', '& ', '&x;', '&#0;'), (at, text) => {
        const xml = corpus.slice(0, at) + text + corpus.slice(at);
        let refused = false;
        try {
          parseNetworkXml(xml);
        } catch (error) {
          refused = error instanceof NetworkXmlError;
        }
        expect(refused).toBe(true);
      }),
    );
    expect(syntaxProblemOf(`${corpus}<network/>`).message).toMatch(/a second root element/);
  });
});
