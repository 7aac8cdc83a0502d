import type { At, ParseContext } from './parse-context.ts';

/**
 * netfleet's own elements are strict about attributes: a misspelt knob (`outofbnad='yes'`)
 * would otherwise be dropped without a word. libvirt's elements keep libvirt's leniency.
 */
export function rejectUnknownAttributes(ctx: ParseContext, at: At, known: readonly string[]): void {
  for (const [name, value] of at.node.attributes) {
    if (known.includes(name)) continue;
    ctx.report(
      `${at.path}/@${name}`,
      at.node.line,
      `unknown attribute '${name}' of <${at.node.name}>${ctx.inNetwork}; expected one of ${known.join(', ')}`,
      value,
    );
  }
}

/** netfleet's own elements are empty; content inside them would otherwise be ignored. */
export function rejectChildElements(ctx: ParseContext, at: At): void {
  const counts = new Map<string, number>();
  for (const child of at.node.children) {
    if (typeof child === 'string') continue;
    const index = (counts.get(child.name) ?? 0) + 1;
    counts.set(child.name, index);
    ctx.report(
      `${at.path}/${child.name}${index > 1 ? `[${index}]` : ''}`,
      child.line,
      `<${at.node.name}> takes no child elements${ctx.inNetwork}, found <${child.name}>`,
    );
  }
}
