import type { XmlElementDef } from './network-def.ts';
import type { XmlNode } from './read-xml-tree.ts';
import { childElements, type At } from './parse-context.ts';

/**
 * `<metadata>`: other applications' elements, kept as written. Whitespace-only text between
 * elements is layout, not content, and is re-created by the formatter.
 */
export function parseMetadata(at: At): XmlElementDef[] {
  return childElements(at).map(toElementDef);
}

function toElementDef(node: XmlNode): XmlElementDef {
  const hasElements = node.children.some((c) => typeof c !== 'string');
  const children = node.children
    .filter((c) => typeof c !== 'string' || !hasElements || c.trim() !== '')
    .map((c) => (typeof c === 'string' ? c : toElementDef(c)));
  return { name: node.name, attributes: node.attributes.map(([k, v]): [string, string] => [k, v]), children };
}
