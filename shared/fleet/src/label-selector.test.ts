import { describe, expect, it } from 'vitest';
import { matchesLabels } from './label-selector';

describe('matchesLabels', () => {
  it('matches key=value terms, bare keys, and everything when empty', () => {
    const labels = { rack: 'a', zone: '1' };
    expect(matchesLabels(labels, '')).toBe(true);
    expect(matchesLabels(labels, 'rack=a, zone=1')).toBe(true);
    expect(matchesLabels(labels, 'rack=b')).toBe(false);
    expect(matchesLabels(labels, 'zone')).toBe(true);
    expect(matchesLabels(labels, 'gpu')).toBe(false);
  });
});
