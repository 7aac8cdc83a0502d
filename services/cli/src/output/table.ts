/**
 * virsh's table shape, which operators' eyes and scripts know: a leading space, columns padded
 * to the widest cell plus three spaces, a dashed rule under the header.
 */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => ` ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 2))).join(' ')}`.trimEnd();
  const header = line(headers);
  const rule = '-'.repeat(Math.max(header.length + 1, 20));
  return [header, rule, ...rows.map(line), ''].join('\n');
}
