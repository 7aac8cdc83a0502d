import type { VlanDef, VlanTagDef } from './network-def.ts';
import { childrenNamed, type At, type ParseContext } from './parse-context.ts';

/** `<vlan trunk>` with `<tag id nativeMode/>`s (network or port group). */
export function parseVlan(ctx: ParseContext, at: At): VlanDef | undefined {
  const trunkAttribute = ctx.yesNo(at, 'trunk');
  const tags: VlanTagDef[] = [];
  let nativeSeen = false;
  for (const tagAt of childrenNamed(at, 'tag')) {
    if (ctx.required(tagAt, 'id') === undefined) continue;
    const id = ctx.integer(tagAt, 'id', 0, 4095);
    if (id === undefined) continue;
    const tag: VlanTagDef = { id };
    const nativeMode = ctx.oneOf(tagAt, 'nativeMode', ['tagged', 'untagged'] as const);
    if (nativeMode !== undefined) {
      if (nativeSeen) ctx.invalid(tagAt, 'nativeMode', nativeMode, 'may be set on one tag only');
      nativeSeen = true;
      tag.nativeMode = nativeMode;
    }
    tags.push(tag);
  }
  if (childrenNamed(at, 'tag').length === 0) {
    ctx.element(at, `missing <tag> in <vlan>${ctx.inNetwork}`);
    return undefined;
  }
  if (trunkAttribute === false && tags.length > 1) {
    ctx.invalid(at, 'trunk', 'no', 'contradicts the multiple <tag> elements (that is a trunk)');
  }
  // Several tags make a trunk whether or not the attribute says so; libvirt writes it out.
  return { trunk: trunkAttribute === true || tags.length > 1, tags };
}
