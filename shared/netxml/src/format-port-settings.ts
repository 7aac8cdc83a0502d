import type { BandwidthDef, BandwidthRateDef, PortGroupDef, VirtualPortDef, VlanDef } from './network-def.ts';
import { element, lowerCaseAttributes } from './xml-writer.ts';

/** Settings a guest port inherits: vlan, bandwidth, virtualport, and port groups of them. */

export function formatVlan(vlan: VlanDef | undefined): string[] {
  if (!vlan || vlan.tags.length === 0) return [];
  return element(
    'vlan',
    [['trunk', vlan.trunk ? true : undefined]],
    vlan.tags.flatMap((t) => element('tag', [['id', t.id], ['nativeMode', t.nativeMode]])),
  );
}

export function formatBandwidth(bandwidth: BandwidthDef | undefined): string[] {
  if (!bandwidth) return [];
  const rate = (name: string, r: BandwidthRateDef | undefined): string[] =>
    r ? element(name, [['average', r.average], ['peak', r.peak], ['floor', r.floor], ['burst', r.burst]]) : [];
  const children = [...rate('inbound', bandwidth.inbound), ...rate('outbound', bandwidth.outbound)];
  return children.length === 0 ? [] : element('bandwidth', [], children);
}

export function formatVirtualPort(port: VirtualPortDef | undefined): string[] {
  if (!port) return [];
  const parameters = element('parameters', lowerCaseAttributes(port, ['managerId', 'typeId', 'typeIdVersion', 'instanceId', 'interfaceId', 'profileId']));
  const hasParameters = parameters[0] !== '<parameters/>';
  return element('virtualport', [['type', port.type]], hasParameters ? parameters : []);
}

export function formatPortGroup(group: PortGroupDef): string[] {
  return element(
    'portgroup',
    [
      ['name', group.name],
      ['default', group.isDefault ? true : undefined],
      ['trustGuestRxFilters', group.trustGuestRxFilters],
    ],
    [...formatVlan(group.vlan), ...formatVirtualPort(group.virtualport), ...formatBandwidth(group.bandwidth)],
  );
}
