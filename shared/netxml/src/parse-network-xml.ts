import type { NetworkDef } from './network-def.ts';
import { NetworkXmlError, NetworkXmlErrorCode, type XmlProblem } from './network-xml-error.ts';
import { ParseContext } from './parse-context.ts';
import { parseNetworkElement, type ParseNetworkOptions } from './parse-network-element.ts';
import { readXmlTree } from './read-xml-tree.ts';
import { guardXmlInput } from './xml-input-guard.ts';

export type { ParseNetworkOptions } from './parse-network-element.ts';

/**
 * Network XML → `NetworkDef`, libvirt's way plus netfleet's `ovs-datapath` type. Throws a
 * `NetworkXmlError` listing every problem found; never any other error.
 */
export function parseNetworkXml(xml: string, options: ParseNetworkOptions = {}): NetworkDef {
  guardXmlInput(xml);
  const root = readXmlTree(xml);
  const ctx = new ParseContext();
  if (root.name !== 'network') {
    ctx.report(`/${root.name}`, root.line, `unexpected root element <${root.name}>, expecting <network>`, root.name);
    throw new NetworkXmlError(NetworkXmlErrorCode.Invalid, ctx.problems);
  }
  const def = parseNetworkElement(ctx, { node: root, path: '/network' }, options);
  if (ctx.problems.length > 0) throw new NetworkXmlError(NetworkXmlErrorCode.Invalid, inDocumentOrder(ctx.problems));
  return def;
}

/** Problems are found element family by family; users read them top to bottom. */
function inDocumentOrder(problems: XmlProblem[]): XmlProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => (a.problem.line ?? Infinity) - (b.problem.line ?? Infinity) || a.index - b.index)
    .map(({ problem }) => problem);
}
