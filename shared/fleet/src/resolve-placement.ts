import { NetfleetError } from '@netfleet/errors/netfleet-error';
import type { HostView } from './fleet-view';

/**
 * Turns a placement request into host names: named hosts (`--host hv1`) must be known to the
 * fleet; label selectors (`--hosts rack=a`, or `rack=a,zone=2` for all of several labels) add
 * every known host whose labels match. Pure.
 */
export function resolvePlacement(names: readonly string[], selectors: readonly string[], known: readonly HostView[]): string[] {
  const byName = new Map(known.map((h) => [h.name, h]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new NetfleetError('NF_HOST_UNKNOWN', { hosts: unknown });
  }
  const chosen = new Set(names);
  for (const selector of selectors) {
    const wanted = parseSelector(selector);
    const matching = known.filter((h) => Object.entries(wanted).every(([k, v]) => h.labels[k] === v));
    if (matching.length === 0) throw new NetfleetError('NF_HOST_NO_MATCH', { selector });
    for (const h of matching) chosen.add(h.name);
  }
  return [...chosen].sort();
}

/** `rack=a,zone=2` → { rack: 'a', zone: '2' }. */
export function parseSelector(selector: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of selector.split(',')) {
    const match = /^\s*([A-Za-z0-9_.\/-]{1,63})\s*=\s*([A-Za-z0-9_.-]{0,63})\s*$/.exec(part);
    if (!match) throw new NetfleetError('NF_HOST_BAD_SELECTOR', { selector });
    labels[match[1]!] = match[2]!;
  }
  return labels;
}
