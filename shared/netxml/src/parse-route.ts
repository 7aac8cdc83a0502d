import type { RouteDef } from './network-def.ts';
import { parseFamilyAddress, subnetPrefix } from './parse-address-attributes.ts';
import type { At, ParseContext } from './parse-context.ts';

/** `<route family address netmask prefix gateway metric/>`: a static route via a guest. */
export function parseRoute(ctx: ParseContext, at: At): RouteDef | undefined {
  const family = ctx.oneOf(at, 'family', ['ipv4', 'ipv6'] as const);
  const addressText = ctx.required(at, 'address');
  const gatewayText = ctx.required(at, 'gateway');
  const address = addressText === undefined ? undefined : parseFamilyAddress(ctx, at, 'address', addressText, family);
  const gateway = gatewayText === undefined ? undefined : parseFamilyAddress(ctx, at, 'gateway', gatewayText, family ?? address?.family);
  if (!address || !gateway) return undefined;
  const def: RouteDef = { address: address.canonical, gateway: gateway.canonical };
  if (family !== undefined) def.family = family;
  subnetPrefix(ctx, at, address, def);
  const metric = ctx.integer(at, 'metric', 1, 2 ** 32 - 1);
  if (metric !== undefined) def.metric = metric;
  return def;
}
