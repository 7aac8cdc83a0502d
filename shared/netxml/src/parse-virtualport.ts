import { VirtualPortType, type VirtualPortDef } from './network-def.ts';
import { parseUuid } from './uuid.ts';
import { singleChild, type At, type ParseContext } from './parse-context.ts';

/** Which `<parameters>` attributes each virtual port type understands. */
const PARAMETERS_BY_TYPE: Record<VirtualPortType, readonly string[]> = {
  '802.1Qbg': ['managerid', 'typeid', 'typeidversion', 'instanceid'],
  '802.1Qbh': ['profileid'],
  openvswitch: ['interfaceid', 'profileid'],
  midonet: ['interfaceid'],
};
const ALL_PARAMETERS = ['managerid', 'typeid', 'typeidversion', 'instanceid', 'interfaceid', 'profileid'];
/** 802.1Qbh port profile names are limited to 39 characters. */
const MAX_PROFILE_ID_LENGTH = 39;

/** `<virtualport type>` with `<parameters …/>` (network level or in a port group). */
export function parseVirtualPort(ctx: ParseContext, at: At): VirtualPortDef {
  const def: VirtualPortDef = {};
  const type = ctx.oneOf(at, 'type', Object.values(VirtualPortType));
  if (type !== undefined) def.type = type;

  const parametersAt = singleChild(ctx, at, 'parameters');
  if (!parametersAt) return def;
  const allowed = type === undefined ? ALL_PARAMETERS : PARAMETERS_BY_TYPE[type];
  for (const [name, value] of parametersAt.node.attributes) {
    if (!ALL_PARAMETERS.includes(name)) continue;
    if (!allowed.includes(name)) {
      ctx.invalid(parametersAt, name, value, `is not a parameter of <virtualport type='${type}'>`);
    }
  }

  const managerId = ctx.integer(parametersAt, 'managerid', 0, 255);
  if (managerId !== undefined) def.managerId = managerId;
  const typeId = ctx.integer(parametersAt, 'typeid', 0, 0xffffff);
  if (typeId !== undefined) def.typeId = typeId;
  const typeIdVersion = ctx.integer(parametersAt, 'typeidversion', 0, 255);
  if (typeIdVersion !== undefined) def.typeIdVersion = typeIdVersion;
  for (const [attribute, field] of [
    ['instanceid', 'instanceId'],
    ['interfaceid', 'interfaceId'],
  ] as const) {
    const text = ctx.attr(parametersAt, attribute);
    if (text === undefined) continue;
    const uuid = parseUuid(text);
    if (!uuid) ctx.invalid(parametersAt, attribute, text, 'must be a UUID');
    else def[field] = uuid;
  }
  const profileId = ctx.attr(parametersAt, 'profileid');
  if (profileId !== undefined) {
    if (profileId.length === 0 || profileId.length > MAX_PROFILE_ID_LENGTH) {
      ctx.invalid(parametersAt, 'profileid', profileId, `must be 1 to ${MAX_PROFILE_ID_LENGTH} characters`);
    } else def.profileId = profileId;
  }
  return def;
}
