import { NETFLEET_OWNER, OwnershipMark } from '../plan/bridge-spec';
import type { ObservedPort } from '../plan/port-changes';
import { mapOf, setOf, stringOf, uuidOf, type OvsdbRow } from './ovsdb-json';

/**
 * Bridge, Port and Interface rows → the interfaces on netfleet's bridges, with the external_ids
 * libvirt stamps on a VM's interface (attached-mac, vm-id, iface-id). The bridge's own internal
 * port is not a port anyone attached. Pure.
 */
export function observedPortsOf(tables: { bridgeRows: OvsdbRow[]; portRows: OvsdbRow[]; interfaceRows: OvsdbRow[] }): ObservedPort[] {
  const ports = new Map(tables.portRows.map((row) => [uuidOf(row._uuid), row]));
  const interfaces = new Map(tables.interfaceRows.map((row) => [uuidOf(row._uuid), row]));
  const out: ObservedPort[] = [];
  for (const bridge of tables.bridgeRows) {
    const ids = mapOf(bridge.external_ids);
    const network = ids[OwnershipMark.network];
    const bridgeName = stringOf(bridge.name) ?? '';
    if (ids[OwnershipMark.owner] !== NETFLEET_OWNER || !network) continue;
    for (const portRef of setOf(bridge.ports)) {
      const port = ports.get(uuidOf(portRef));
      for (const ifaceRef of port ? setOf(port.interfaces) : []) {
        const iface = interfaces.get(uuidOf(ifaceRef));
        const name = iface && stringOf(iface.name);
        if (!iface || !name || (name === bridgeName && stringOf(iface.type) === 'internal')) continue;
        const external = mapOf(iface.external_ids);
        const mac = external['attached-mac']?.toLowerCase();
        out.push({
          network, bridge: bridgeName, interface: name,
          ...(mac && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) ? { mac } : {}),
          ...(external['vm-id'] && /^[0-9a-f-]{36}$/i.test(external['vm-id']) ? { vmUuid: external['vm-id'].toLowerCase() } : {}),
          ...(external['iface-id'] ? { ifaceId: external['iface-id'].slice(0, 100) } : {}),
        });
      }
    }
  }
  return out.sort((a, b) => (a.network + a.interface).localeCompare(b.network + b.interface));
}
