/**
 * The few pieces every formatter needs. Each formatter returns its lines unindented and the
 * parent indents them, so no formatter needs to know how deep it sits.
 */

export type AttributeValue = string | number | boolean | undefined;

const INDENT = '  ';

/** Text as libvirt escapes it, in attribute values and element content alike. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>'"\t\n\r]/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
  // Kept as references: a parser would otherwise normalise them away inside attributes.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** ` a='1' b='x'` in the given order, skipping undefined values; booleans become yes/no. */
export function attributes(pairs: Array<[string, AttributeValue]>): string {
  let out = '';
  for (const [name, value] of pairs) {
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
    out += ` ${name}='${escapeXml(text)}'`;
  }
  return out;
}

/** `<name …/>` when there are no child lines, otherwise open tag, indented children, close tag. */
export function element(name: string, attrs: Array<[string, AttributeValue]>, children: string[] = []): string[] {
  if (children.length === 0) return [`<${name}${attributes(attrs)}/>`];
  return [`<${name}${attributes(attrs)}>`, ...indent(children), `</${name}>`];
}

/** `<name …>` and `</name>` even with nothing between them (how libvirt writes `<ip>`). */
export function openElement(name: string, attrs: Array<[string, AttributeValue]>, children: string[]): string[] {
  return [`<${name}${attributes(attrs)}>`, ...indent(children), `</${name}>`];
}

export function textElement(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

export function indent(lines: string[]): string[] {
  return lines.map((line) => INDENT + line);
}

/**
 * Attribute pairs for fields whose XML attribute is the field's name in lower case (libvirt's
 * `<route family address …>`, `<parameters managerid typeidversion …>`, `<datapath failmode>`),
 * in the order given: the order libvirt writes them.
 */
export function lowerCaseAttributes<Source extends object>(source: Source, fields: readonly (keyof Source & string)[]): Array<[string, AttributeValue]> {
  return fields.map((field) => [field.toLowerCase(), source[field] as AttributeValue]);
}
