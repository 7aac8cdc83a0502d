import { FailMode, type DatapathDef } from './network-def.ts';
import { interfaceNameProblem, utf8Length } from './interface-name.ts';
import { rejectChildElements, rejectUnknownAttributes } from './reject-unknown.ts';
import type { At, ParseContext } from './parse-context.ts';

/** OpenFlow's description fields are 256-byte, NUL-terminated strings. */
const MAX_DESC_BYTES = 255;

const ATTRIBUTES = ['name', 'id', 'mfrdesc', 'hwdesc', 'swdesc', 'failmode'];

/** `<datapath name id mfrdesc hwdesc swdesc failmode/>` (RFC option 1, plus fail mode). */
export function parseDatapath(ctx: ParseContext, at: At): DatapathDef | undefined {
  rejectUnknownAttributes(ctx, at, ATTRIBUTES);
  rejectChildElements(ctx, at);
  const name = ctx.required(at, 'name', 'it is the OVS bridge name');
  const def: DatapathDef = { name: name ?? '' };
  if (name !== undefined) {
    const problem = interfaceNameProblem(name);
    if (problem) ctx.invalid(at, 'name', name, problem);
  }

  const id = ctx.attr(at, 'id');
  if (id !== undefined) {
    if (!/^[0-9a-fA-F]{16}$/.test(id)) ctx.invalid(at, 'id', id, 'must be 16 hex digits');
    else if (/^0+$/.test(id)) ctx.invalid(at, 'id', id, 'must not be all zeros (OVS refuses it)');
    else def.id = id.toLowerCase();
  }

  for (const [attribute, field] of [
    ['mfrdesc', 'mfrdesc'],
    ['hwdesc', 'hwdesc'],
    ['swdesc', 'swdesc'],
  ] as const) {
    const value = ctx.attr(at, attribute);
    if (value === undefined) continue;
    if (utf8Length(value) > MAX_DESC_BYTES) {
      ctx.invalid(at, attribute, value, `must be at most ${MAX_DESC_BYTES} bytes (an OpenFlow description)`);
    } else def[field] = value;
  }

  const failMode = ctx.oneOf(at, 'failmode', Object.values(FailMode));
  if (failMode !== undefined) def.failMode = failMode;
  return name === undefined ? undefined : def;
}
