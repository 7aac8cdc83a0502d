import { describe, expect, it } from 'vitest';
import { parseHistoryPoint } from './history-point';

describe('parseHistoryPoint', () => {
  it('reads a whole number as a position', () => {
    expect(parseHistoryPoint('0')).toEqual({ position: 0 });
    expect(parseHistoryPoint(' 1234 ')).toEqual({ position: 1234 });
    expect(parseHistoryPoint('9007199254740991')).toEqual({ position: Number.MAX_SAFE_INTEGER });
  });

  it('reads ISO-8601 times, zoneless ones as UTC', () => {
    expect(parseHistoryPoint('2026-11-28T06:00:00Z')).toEqual({ time: new Date('2026-11-28T06:00:00Z') });
    expect(parseHistoryPoint('2026-11-28T07:00:00+01:00')).toEqual({ time: new Date('2026-11-28T06:00:00Z') });
    expect(parseHistoryPoint('2026-11-28 06:00:00.5')).toEqual({ time: new Date('2026-11-28T06:00:00.500Z') });
    expect(parseHistoryPoint('2026-11-28')).toEqual({ time: new Date('2026-11-28T00:00:00Z') });
  });

  it('refuses anything else with NF_HISTORY_BAD_POINT', () => {
    for (const bad of ['-1', 'yesterday', '2026-13-45T99:00:00Z', '12.5', '', '9223372036854775808', '9007199254740992']) {
      expect(() => parseHistoryPoint(bad)).toThrow(expect.objectContaining({ code: 'NF_HISTORY_BAD_POINT' }));
    }
  });
});
