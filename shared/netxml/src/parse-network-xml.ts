import type { NetworkDef } from './network-def.ts';
import { NetworkXmlError, NetworkXmlErrorCode } from './network-xml-error.ts';
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
  if (ctx.problems.length > 0) throw new NetworkXmlError(NetworkXmlErrorCode.Invalid, ctx.problems);
  return def;
}
