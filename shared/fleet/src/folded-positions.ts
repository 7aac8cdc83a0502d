/**
 * Where to follow the event stream from for a fleet view: after `after`, skipping the positions
 * in `folded` (above `after`, they are in the view already). Positions are taken at insert, not
 * at commit, so a view at position P may lack an event below P still in flight when it was read;
 * the stream brings that one once it commits, after `after`.
 */
export interface StreamResume {
  after: number;
  folded: number[];
}

/** An answer's resume point; an answer without one (a past view) stands exactly at its position. */
export function resumeOf(answer: { position: number; resume?: StreamResume }): StreamResume {
  return answer.resume ?? { after: answer.position, folded: [] };
}

/**
 * Which log positions a view has folded: every existing one up to `floor` (a point no event in
 * flight is below), and a set above it. An event is folded once: `has` says whether it already is.
 */
export class FoldedPositions {
  private floor = 0;
  private readonly above = new Set<number>();

  constructor(resume?: StreamResume) {
    if (resume) this.reset(resume);
  }

  reset(resume: StreamResume): void {
    this.floor = resume.after;
    this.above.clear();
    for (const p of resume.folded) if (p > this.floor) this.above.add(p);
  }

  has(position: number): boolean {
    return position <= this.floor || this.above.has(position);
  }

  add(position: number): void {
    if (position > this.floor) this.above.add(position);
  }

  /** Every position up to `to` that exists is folded (a page of the in-order stream ends there). */
  raiseFloor(to: number): void {
    if (to <= this.floor) return;
    this.floor = to;
    for (const p of this.above) if (p <= to) this.above.delete(p);
  }

  /** Every existing position up to here is folded. */
  get after(): number {
    return this.floor;
  }

  get resume(): StreamResume {
    return { after: this.floor, folded: [...this.above].sort((a, b) => a - b) };
  }
}
