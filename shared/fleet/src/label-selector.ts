/**
 * Whether a host's labels match a selector typed in a filter box: `rack=a`, `rack=a,zone=1`,
 * or just `rack` (has the label). Empty matches everything. Pure.
 */
export function matchesLabels(labels: Record<string, string>, selector: string): boolean {
  const terms = selector.split(',').map((t) => t.trim()).filter(Boolean);
  return terms.every((term) => {
    const eq = term.indexOf('=');
    if (eq < 0) return term in labels;
    return labels[term.slice(0, eq).trim()] === term.slice(eq + 1).trim();
  });
}
