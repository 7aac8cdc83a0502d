import type { NetworkDef } from './network-def.ts';
import { element } from './xml-writer.ts';

/**
 * `<bridge>`: for networks libvirt runs its own bridge for (isolated, nat, route, open) it
 * always writes stp and delay, with their defaults (on, 0) when the input left them out.
 */
export function formatBridge(def: NetworkDef): string[] {
  const mode = def.forward?.mode;
  const ownBridge = mode === undefined || mode === 'nat' || mode === 'route' || mode === 'open';
  const bridge = def.bridge ?? {};
  if (!ownBridge && bridge.name === undefined && bridge.zone === undefined && bridge.macTableManager === undefined) {
    return [];
  }
  return element('bridge', [
    ['name', bridge.name],
    ['zone', bridge.zone],
    ['stp', ownBridge ? ((bridge.stp ?? true) ? 'on' : 'off') : undefined],
    ['delay', ownBridge ? (bridge.delay ?? 0) : undefined],
    ['macTableManager', bridge.macTableManager],
  ]);
}
