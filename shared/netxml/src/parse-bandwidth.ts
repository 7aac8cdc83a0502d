import type { BandwidthDef, BandwidthRateDef } from './network-def.ts';
import { singleChild, type At, type ParseContext } from './parse-context.ts';

const MAX_RATE = Number.MAX_SAFE_INTEGER;

/** `<bandwidth>` with `<inbound>`/`<outbound average peak floor burst/>` (KiB/s, KiB). */
export function parseBandwidth(ctx: ParseContext, at: At): BandwidthDef | undefined {
  const def: BandwidthDef = {};
  for (const direction of ['inbound', 'outbound'] as const) {
    const rateAt = singleChild(ctx, at, direction);
    if (!rateAt) continue;
    const rate: BandwidthRateDef = {};
    for (const field of ['average', 'peak', 'floor', 'burst'] as const) {
      const value = ctx.integer(rateAt, field, 0, MAX_RATE);
      if (value !== undefined) rate[field] = value;
    }
    if (rate.floor !== undefined && direction === 'outbound') {
      ctx.invalid(rateAt, 'floor', String(rate.floor), 'is only supported on <inbound>');
      continue;
    }
    if (rate.average === undefined && rate.floor === undefined) {
      ctx.element(rateAt, `missing mandatory average or floor attributes in <${direction}>${ctx.inNetwork}`);
      continue;
    }
    def[direction] = rate;
  }
  return def.inbound || def.outbound ? def : undefined;
}
