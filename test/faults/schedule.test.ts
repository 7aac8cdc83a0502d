import { describe, expect, it } from 'vitest';
import { faultSchedule, placements, seededRandom } from './schedule';

describe('the seeded schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    const draw = (seed: number) => faultSchedule(seededRandom(seed), ['a'], ['b', 'c', 'd'], 20);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7)[0]).toBe('a');
    expect(draw(7)).toHaveLength(21);
  });

  it('places each network on one or two distinct known hosts', () => {
    const hosts = ['hv1', 'hv2', 'hv3'];
    for (const placed of placements(seededRandom(3), 200, hosts)) {
      expect(placed.length === 1 || placed.length === 2).toBe(true);
      expect(new Set(placed).size).toBe(placed.length);
      expect(placed.every((h) => hosts.includes(h))).toBe(true);
    }
  });
});
