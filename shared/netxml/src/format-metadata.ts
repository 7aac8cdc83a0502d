import type { XmlElementDef } from './network-def.ts';
import { element, indent } from './xml-writer.ts';

/**
 * `<metadata>`: libvirt hands these foreign elements to libxml2, which writes them with double
 * quotes and re-indents element-only content; mixed content is written inline.
 */
export function formatMetadata(metadata: XmlElementDef[] | undefined): string[] {
  if (!metadata || metadata.length === 0) return [];
  return element('metadata', [], metadata.flatMap(formatForeign));
}

function formatForeign(node: XmlElementDef): string[] {
  const open = openTag(node);
  if (node.children.length === 0) return [`${open}/>`];
  if (node.children.every((c) => typeof c !== 'string')) {
    return [`${open}>`, ...indent(node.children.flatMap((c) => formatForeign(c as XmlElementDef))), `</${node.name}>`];
  }
  return [`${open}>${node.children.map(inline).join('')}</${node.name}>`];
}

function inline(child: XmlElementDef | string): string {
  if (typeof child === 'string') return escapeText(child);
  const open = openTag(child);
  return child.children.length === 0 ? `${open}/>` : `${open}>${child.children.map(inline).join('')}</${child.name}>`;
}

/** `<name a="…"` without its closing `>`. */
function openTag(node: XmlElementDef): string {
  return `<${node.name}${node.attributes.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('')}`;
}

function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
}

function escapeAttribute(text: string): string {
  return text.replace(
    /[&<>"\t\n\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' })[c]!,
  );
}
