import type { DnsDef } from './network-def.ts';
import { element, lowerCaseAttributes, textElement } from './xml-writer.ts';

/** `<dns>`: forwarders, then TXT, SRV and host records, as libvirt orders them. */
export function formatDns(dns: DnsDef | undefined): string[] {
  if (!dns) return [];
  const children = [
    ...dns.forwarders.flatMap((f) => element('forwarder', [['domain', f.domain], ['addr', f.addr]])),
    ...dns.txts.flatMap((t) => element('txt', [['name', t.name], ['value', t.value]])),
    ...dns.srvs.flatMap((s) =>
      element('srv', lowerCaseAttributes(s, ['service', 'protocol', 'domain', 'target', 'port', 'priority', 'weight'])),
    ),
    ...dns.hosts.flatMap((h) => element('host', [['ip', h.ip]], h.hostnames.map((n) => textElement('hostname', n)))),
  ];
  if (children.length === 0 && dns.enable === undefined && dns.forwardPlainNames === undefined) return [];
  return element('dns', [['enable', dns.enable], ['forwardPlainNames', dns.forwardPlainNames]], children);
}
