import type { PortOnHostV1 } from '@netfleet/events/host-events';

/** An interface on a netfleet bridge, as OVS shows it: the report's fields this host can see itself. */
export type ObservedPort = Omit<PortOnHostV1, 'host' | 'domain'>;

/** The ports to report: new or changed ones attached, vanished ones detached. Pure. */
export function portChanges(before: ReadonlyMap<string, ObservedPort>, now: readonly ObservedPort[]): { attached: ObservedPort[]; detached: ObservedPort[] } {
  const current = new Map(now.map((p) => [portKey(p), p]));
  const attached = now.filter((p) => {
    const was = before.get(portKey(p));
    return !was || was.mac !== p.mac || was.vmUuid !== p.vmUuid || was.bridge !== p.bridge;
  });
  const detached = [...before.entries()].filter(([key]) => !current.has(key)).map(([, p]) => p);
  return { attached, detached };
}

export const portKey = (p: Pick<ObservedPort, 'network' | 'interface'>): string => `${p.network}\u0000${p.interface}`;
