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
