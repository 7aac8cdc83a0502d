import type { PortGroupDef } from './network-def.ts';
import { parseBandwidth } from './parse-bandwidth.ts';
import { parseVirtualPort } from './parse-virtualport.ts';
import { parseVlan } from './parse-vlan.ts';
import { childrenNamed, singleChild, type At, type ParseContext } from './parse-context.ts';

/** All `<portgroup>`s: names unique, at most one default. */
export function parsePortGroups(ctx: ParseContext, root: At): PortGroupDef[] {
  const groups: PortGroupDef[] = [];
  let defaultName: string | undefined;
  for (const at of childrenNamed(root, 'portgroup')) {
    const group = parsePortGroup(ctx, at);
    if (!group) continue;
    if (groups.some((g) => g.name === group.name)) {
      ctx.invalid(at, 'name', group.name, 'is used by more than one portgroup');
      continue;
    }
    if (group.isDefault) {
      if (defaultName !== undefined) {
        ctx.element(at, `network '${ctx.networkName}' has multiple default <portgroup> elements (${defaultName} and ${group.name}), but only one default is allowed`);
      }
      defaultName ??= group.name;
    }
    groups.push(group);
  }
  return groups;
}

function parsePortGroup(ctx: ParseContext, at: At): PortGroupDef | undefined {
  const name = ctx.required(at, 'name');
  if (name === undefined) return undefined;
  const def: PortGroupDef = { name };
  if (ctx.yesNo(at, 'default') === true) def.isDefault = true;
  const trust = ctx.yesNo(at, 'trustGuestRxFilters');
  if (trust !== undefined) def.trustGuestRxFilters = trust;
  const vlanAt = singleChild(ctx, at, 'vlan');
  const vlan = vlanAt && parseVlan(ctx, vlanAt);
  if (vlan) def.vlan = vlan;
  const virtualportAt = singleChild(ctx, at, 'virtualport');
  if (virtualportAt) def.virtualport = parseVirtualPort(ctx, virtualportAt);
  const bandwidthAt = singleChild(ctx, at, 'bandwidth');
  const bandwidth = bandwidthAt && parseBandwidth(ctx, bandwidthAt);
  if (bandwidth) def.bandwidth = bandwidth;
  return def;
}
