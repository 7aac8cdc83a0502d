/** One row of a side-by-side diff: the old line on the left, the new one on the right. */
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added' | 'hunk';
  left?: { number: number; text: string };
  right?: { number: number; text: string };
  /** For a hunk row: its header. */
  header?: string;
}

/**
 * Turns a unified diff (as the API records for a redefinition) into side-by-side rows: context
 * lines on both sides, a run of removals paired with the run of additions after it. Pure.
 */
export function sideBySide(unified: string): DiffRow[] {
  const rows: DiffRow[] = [];
  let left = 0;
  let right = 0;
  let removed: { number: number; text: string }[] = [];
  let added: { number: number; text: string }[] = [];
  const flush = () => {
    const n = Math.max(removed.length, added.length);
    for (let i = 0; i < n; i++) {
      const l = removed[i];
      const r = added[i];
      rows.push({ kind: l && r ? 'changed' : l ? 'removed' : 'added', ...(l ? { left: l } : {}), ...(r ? { right: r } : {}) });
    }
    removed = [];
    added = [];
  };
  for (const line of unified.split('\n')) {
    if (line.startsWith('---') || line.startsWith('+++') || line.startsWith('Index:') || line.startsWith('====')) continue;
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      flush();
      left = Number(hunk[1]);
      right = Number(hunk[2]);
      rows.push({ kind: 'hunk', header: line });
    } else if (line.startsWith('-')) {
      removed.push({ number: left++, text: line.slice(1) });
    } else if (line.startsWith('+')) {
      added.push({ number: right++, text: line.slice(1) });
    } else if (line.startsWith(' ')) {
      flush();
      rows.push({ kind: 'same', left: { number: left++, text: line.slice(1) }, right: { number: right++, text: line.slice(1) } });
    }
    // "\ No newline at end of file" and blank trailing lines carry no content.
  }
  flush();
  return rows;
}
