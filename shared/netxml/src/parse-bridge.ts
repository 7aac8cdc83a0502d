import { MacTableManager, type BridgeDef } from './network-def.ts';
import { interfaceNameProblem } from './interface-name.ts';
import type { At, ParseContext } from './parse-context.ts';

/** `<bridge name zone stp delay macTableManager/>`; which modes allow what is checked later. */
export function parseBridge(ctx: ParseContext, at: At): BridgeDef {
  const def: BridgeDef = {};
  const name = ctx.attr(at, 'name');
  if (name !== undefined && name !== '') {
    // The Linux bridge libvirt makes, or the OVS bridge netfleet makes (ovsBridgeOf). libvirt
    // takes one '%d' as a template it fills with the first free number (virbr%d → virbr0), so
    // the name is judged as its first instance would be; ovsBridgeOf never starts a template.
    const problem = interfaceNameProblem(isNameTemplate(name) ? name.replace('%d', '0') : name);
    if (problem) ctx.invalid(at, 'name', name, problem);
    else def.name = name;
  }
  const zone = ctx.attr(at, 'zone');
  if (zone !== undefined && zone !== '') def.zone = zone;
  const stp = ctx.onOff(at, 'stp');
  if (stp !== undefined) def.stp = stp;
  const delay = ctx.integer(at, 'delay', 0, 2 ** 31 - 1);
  if (delay !== undefined) def.delay = delay;
  const manager = ctx.oneOf(at, 'macTableManager', Object.values(MacTableManager));
  if (manager !== undefined) def.macTableManager = manager;
  return def;
}

/** libvirt's bridge name template: exactly one `%d` and no other `%`. */
export function isNameTemplate(name: string): boolean {
  return /^[^%]*%d[^%]*$/.test(name);
}
