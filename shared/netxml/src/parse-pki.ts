import type { PkiDef } from './network-def.ts';
import { absolutePathProblem } from './path-rules.ts';
import { rejectChildElements, rejectUnknownAttributes } from './reject-unknown.ts';
import type { At, ParseContext } from './parse-context.ts';

const FIELDS = [
  ['privatekey', 'privateKey'],
  ['certificate', 'certificate'],
  ['cacert', 'caCert'],
] as const;

/** `<pki privatekey certificate cacert/>`: the files OVS's SSL table points at. */
export function parsePki(ctx: ParseContext, at: At): PkiDef | undefined {
  rejectUnknownAttributes(ctx, at, FIELDS.map(([attribute]) => attribute));
  rejectChildElements(ctx, at);
  const def: PkiDef = { privateKey: '', certificate: '', caCert: '' };
  let complete = true;
  for (const [attribute, field] of FIELDS) {
    const value = ctx.required(at, attribute, 'ssl controllers need all three files');
    const problem = value === undefined ? 'missing' : absolutePathProblem(value);
    if (value !== undefined && problem) ctx.invalid(at, attribute, value, problem);
    if (value === undefined || problem) complete = false;
    else def[field] = value;
  }
  return complete ? def : undefined;
}
