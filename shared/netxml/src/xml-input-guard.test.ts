import { describe, expect, it } from 'vitest';
import { NetworkXmlError } from './network-xml-error.ts';
import { parseNetworkXml } from './parse-network-xml.ts';
import { MAX_XML_BYTES, MAX_XML_DEPTH } from './xml-input-guard.ts';

function errorOf(xml: string): NetworkXmlError {
  try {
    parseNetworkXml(xml);
  } catch (error) {
    if (error instanceof NetworkXmlError) return error;
    throw error;
  }
  throw new Error('expected the document to be rejected');
}

describe('input guard', () => {
  it('refuses a DTD before parsing, whatever it declares', () => {
    const error = errorOf('<?xml version="1.0"?>\n<!DOCTYPE network [\n<!ENTITY a "x">\n]>\n<network><name>&a;</name></network>');
    expect(error.code).toBe('NF_XML_FORBIDDEN');
    expect(error.problems[0]).toMatchObject({ line: 2, value: '<!DOCTYPE' });
    expect(error.message).toBe(
      'XML error: <!DOCTYPE> declarations are not allowed in network XML (no DTDs or entities) (line 2)',
    );
  });

  it('refuses an entity declaration and an external entity', () => {
    expect(errorOf('<network><!ENTITY x SYSTEM "file:///etc/passwd"></network>').code).toBe('NF_XML_FORBIDDEN');
    expect(errorOf('<!doctype network SYSTEM "http://x/y.dtd"><network/>').code).toBe('NF_XML_FORBIDDEN');
  });

  it('refuses a billion-laughs document quickly', () => {
    const lol = ['<!DOCTYPE lolz [', '<!ENTITY lol "lol">'];
    for (let i = 1; i < 10; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i - 1 || ''};`.repeat(10)}">`);
    lol.push(']>', '<network><name>&lol9;</name></network>');
    const started = performance.now();
    expect(errorOf(lol.join('\n')).code).toBe('NF_XML_FORBIDDEN');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('does not expand undeclared entities', () => {
    const error = errorOf('<network>\n  <name>&foo;</name>\n</network>');
    expect(error.code).toBe('NF_XML_SYNTAX');
    expect(error.message).toBe(
      "XML error: undefined or malformed entity reference '&foo;' (write a literal & as &amp;) (line 2, column 9)",
    );
    expect(error.problems[0]).toMatchObject({ line: 2, column: 9, value: '&foo;' });
  });

  it('decodes the predefined entities and character references', () => {
    const def = parseNetworkXml("<network><name>a&amp;b&lt;&#x41;&#66;&apos;&quot;&gt;</name></network>");
    expect(def.name).toBe('a&b<AB\'">');
  });

  it('refuses a document over the size limit before parsing it', () => {
    const big = `<network><name>n</name><metadata>${' '.repeat(MAX_XML_BYTES)}</metadata></network>`;
    const error = errorOf(big);
    expect(error.code).toBe('NF_XML_TOO_LARGE');
    expect(error.message).toContain(`larger than the limit of ${MAX_XML_BYTES} bytes`);
  });

  it('counts bytes, not characters', () => {
    const chars = Math.ceil(MAX_XML_BYTES / 3) + 10;
    expect(errorOf(`<network><name>${'€'.repeat(chars)}</name></network>`).code).toBe('NF_XML_TOO_LARGE');
  });

  it('refuses nesting deeper than the limit, with the line', () => {
    const depth = MAX_XML_DEPTH + 1;
    const xml = `<network>\n${'<a>'.repeat(depth - 1)}${'</a>'.repeat(depth - 1)}</network>`;
    const error = errorOf(xml);
    expect(error.code).toBe('NF_XML_TOO_LARGE');
    expect(error.problems[0]?.line).toBe(2);
    expect(error.message).toContain(`deeper than the limit of ${MAX_XML_DEPTH}`);
  });

  it('lets comments, CDATA and quoted ">" through the depth scan', () => {
    const xml = `<network><!-- <a><a><a> --><name><![CDATA[<b><b>]]>x</name><metadata><m:x xmlns:m="u" v="&lt;c>"/></metadata></network>`;
    expect(parseNetworkXml(xml).name).toBe('<b><b>x');
  });

  it('reports syntax errors with the line and column from fast-xml-parser', () => {
    const error = errorOf('<network>\n  <name>x</name>\n  <bridge name="a">\n</network>');
    expect(error.code).toBe('NF_XML_SYNTAX');
    expect(error.problems[0]?.line).toBe(4);
    expect(error.message).toMatch(/^XML error: .*bridge.* \(line 4, column \d+\)$/);
  });

  it('refuses a root other than <network>', () => {
    expect(errorOf('<domain><name>x</name></domain>').message).toBe(
      'XML error: unexpected root element <domain>, expecting <network> (/domain, line 1)',
    );
  });

  it('refuses an empty document', () => {
    expect(errorOf('').code).toBe('NF_XML_SYNTAX');
  });
});

describe('syntax errors in words', () => {
  it('names the elements left open at the end of the document', () => {
    expect(() => parseNetworkXml('<network><name>x</name><bad')).toThrow(/the document ends before <network>, <bad> are closed/);
  });
});
