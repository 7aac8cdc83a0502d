/**
 * Seeded choices, so a run is reproduced by its seed: placements of the rollout's networks and
 * the random schedule of faults. mulberry32: small, fast, good enough for test schedules.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Each network on one or two distinct hosts. */
export function placements(random: () => number, count: number, hosts: readonly string[]): string[][] {
  return Array.from({ length: count }, () => {
    const first = pick(random, hosts);
    if (hosts.length < 2 || random() < 0.5) return [first];
    const second = pick(random, hosts.filter((h) => h !== first));
    return [first, second].sort();
  });
}

/** `fixed` first, each once, then `extra` faults drawn from `catalog` by the seed. */
export function faultSchedule<T>(random: () => number, fixed: readonly T[], catalog: readonly T[], extra: number): T[] {
  return [...fixed, ...Array.from({ length: extra }, () => pick(random, catalog))];
}
