import { describe, expect, it } from 'vitest';
import { FoldedPositions, resumeOf } from './folded-positions';

describe('FoldedPositions', () => {
  it('has every position up to the floor and those added above it, and no other', () => {
    const folded = new FoldedPositions({ after: 10, folded: [12, 14, 9] });
    expect([9, 10, 11, 12, 13, 14, 15].filter((p) => folded.has(p))).toEqual([9, 10, 12, 14]);
    folded.add(13);
    folded.add(5); // below the floor: already had
    expect(folded.resume).toEqual({ after: 10, folded: [12, 13, 14] });
  });

  it('raising the floor keeps only the positions above it', () => {
    const folded = new FoldedPositions({ after: 10, folded: [12, 14] });
    folded.raiseFloor(12);
    expect(folded.resume).toEqual({ after: 12, folded: [14] });
    folded.raiseFloor(11); // never down
    expect(folded.resume).toEqual({ after: 12, folded: [14] });
    expect(folded.has(11)).toBe(true);
    expect(folded.has(13)).toBe(false);
    folded.reset({ after: 3, folded: [] });
    expect(folded.has(4)).toBe(false);
  });
});

describe('resumeOf', () => {
  it('is the answer\'s resume point, or its position when it has none (a past view)', () => {
    expect(resumeOf({ position: 7, resume: { after: 5, folded: [7] } })).toEqual({ after: 5, folded: [7] });
    expect(resumeOf({ position: 7 })).toEqual({ after: 7, folded: [] });
    expect(new FoldedPositions({ after: 5, folded: [7] }).after).toBe(5);
  });
});
