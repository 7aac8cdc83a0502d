import { childrenNamed, type At, type ParseContext } from './parse-context.ts';

/** libvirt's XML namespace for options passed straight to dnsmasq. */
export const DNSMASQ_NAMESPACE = 'http://libvirt.org/schemas/network/dnsmasq/1.0';

/**
 * `<dnsmasq:options><dnsmasq:option value/>…`: found by namespace URI, as libvirt does, so any
 * prefix bound to it on the root works. Elements of other foreign namespaces are ignored.
 */
export function parseDnsmasqOptions(ctx: ParseContext, root: At): string[] {
  const prefixes = root.node.attributes
    .filter(([name, value]) => name.startsWith('xmlns:') && value === DNSMASQ_NAMESPACE)
    .map(([name]) => name.slice('xmlns:'.length));
  const values: string[] = [];
  for (const prefix of prefixes) {
    for (const optionsAt of childrenNamed(root, `${prefix}:options`)) {
      for (const optionAt of childrenNamed(optionsAt, `${prefix}:option`)) {
        const value = ctx.required(optionAt, 'value');
        if (value !== undefined) values.push(value);
      }
    }
  }
  return values;
}
