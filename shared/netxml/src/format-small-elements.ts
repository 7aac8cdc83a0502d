import type { NetworkDef } from './network-def.ts';
import { element } from './xml-writer.ts';

/** `<mtu>`, `<mac>`, `<domain>` and `<port>`: one line each, only when set. */

export function formatMtu(mtu: number | undefined): string[] {
  return mtu === undefined ? [] : element('mtu', [['size', mtu]]);
}

export function formatMac(mac: string | undefined): string[] {
  return mac === undefined ? [] : element('mac', [['address', mac]]);
}

export function formatDomain(def: NetworkDef): string[] {
  return def.domain ? element('domain', [['name', def.domain.name], ['localOnly', def.domain.localOnly]]) : [];
}

export function formatPort(isolated: boolean | undefined): string[] {
  return isolated === undefined ? [] : element('port', [['isolated', isolated]]);
}
