import { useMemo } from 'preact/hooks';
import { sideBySide } from '../lib/unified-diff';

/** A redefinition's XML diff, side by side: the old definition left, the new one right. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const rows = useMemo(() => sideBySide(diff), [diff]);
  return (
    <div class="table-wrap">
      <table class="diff" aria-label={label} data-testid="diff">
        <colgroup><col class="ln-col" /><col /><col class="ln-col" /><col /></colgroup>
        <thead><tr><th scope="col" colSpan={2}>Before</th><th scope="col" colSpan={2}>After</th></tr></thead>
        <tbody>
          {rows.map((row, i) => row.kind === 'hunk'
            ? <tr key={i} class="hunk"><td colSpan={4}>{row.header}</td></tr>
            : (
              <tr key={i} class={`d-${row.kind}`}>
                <td class="ln">{row.left?.number ?? ''}</td>
                <td class={`code${row.left && row.kind !== 'same' ? ' del' : ''}`}>{row.left ? <><span class="mark" aria-label="removed">{row.kind === 'same' ? ' ' : '−'}</span>{row.left.text}</> : ''}</td>
                <td class="ln">{row.right?.number ?? ''}</td>
                <td class={`code${row.right && row.kind !== 'same' ? ' ins' : ''}`}>{row.right ? <><span class="mark" aria-label="added">{row.kind === 'same' ? ' ' : '+'}</span>{row.right.text}</> : ''}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}
