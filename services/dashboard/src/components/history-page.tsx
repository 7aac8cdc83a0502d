import { useEffect, useState } from 'preact/hooks';
import { HostEventType } from '@netfleet/events/host-events';
import { NetworkEventType } from '@netfleet/events/network-events';
import type { HistoryEntryAnswer, HistoryPageAnswer } from '@netfleet/api-types/history-answers';
import { formatTime } from '../lib/format-time';
import { historyHref, networkHref } from '../state/route';
import type { Session } from './app';
import { DiffView } from './diff-view';

const FIELDS = ['network', 'host', 'actor', 'type', 'since', 'until', 'correlation'] as const;
type Filter = Partial<Record<(typeof FIELDS)[number], string>>;
const EVENT_TYPES = [...Object.values(NetworkEventType), ...Object.values(HostEventType)];
const PAGE = 500;

/** ISO time ⇄ the value of a datetime-local input (the viewer's zone). */
const toLocalInput = (iso: string | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

/**
 * Every event of a network or of the fleet, filtered by actor, host, type and time; a
 * redefinition opens its XML diff side by side; each event links to its correlation: the command
 * that caused it and the host outcomes that followed.
 */
export function HistoryPage({ session, query }: { session: Session; query: URLSearchParams }) {
  const filter: Filter = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? undefined]).filter(([, v]) => v));
  const key = JSON.stringify(filter);
  const [entries, setEntries] = useState<HistoryEntryAnswer[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [open, setOpen] = useState<Set<number>>(new Set());

  const load = async (after: number, append: boolean) => {
    setLoading(true);
    try {
      const params = new URLSearchParams({ after: String(after), limit: String(PAGE) });
      for (const f of ['host', 'actor', 'type', 'since', 'until', 'correlation'] as const) if (filter[f]) params.set(f, filter[f]!);
      const path = filter.network ? `/v1/networks/${encodeURIComponent(filter.network)}/history` : '/v1/history';
      const answer = await session.api.get<HistoryPageAnswer>(`${path}?${params}`);
      setEntries((prev) => (append ? [...prev, ...answer.entries] : answer.entries));
      setNext(answer.next);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => { setOpen(new Set()); void load(0, false); }, [key]);

  const apply = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const value = (f: string) => String(form.get(f) ?? '').trim() || undefined;
    location.hash = historyHref({
      network: value('network'), host: value('host'), actor: value('actor'), type: value('type'),
      since: fromLocalInput(value('since') ?? ''), until: fromLocalInput(value('until') ?? ''), correlation: value('correlation'),
    });
  };
  const toggle = (position: number) => setOpen((s) => { const n = new Set(s); if (n.has(position)) n.delete(position); else n.add(position); return n; });

  return (
    <section class="history-page" aria-labelledby="history-title">
      <h1 id="history-title">History{filter.network ? ` of ${filter.network}` : ' of the fleet'}</h1>
      {filter.correlation && (
        <p class="correlation-note" data-testid="correlation-note">
          Showing one command and the host outcomes that followed it (correlation <code>{filter.correlation}</code>). <a href={historyHref({ network: filter.network })}>Show all events</a>
        </p>
      )}
      <form class="filters history-filters" key={key} onSubmit={apply} aria-label="Filter the history">
        <label>Network <input name="network" defaultValue={filter.network ?? ''} /></label>
        <label>Host <input name="host" defaultValue={filter.host ?? ''} /></label>
        <label>Actor <input name="actor" defaultValue={filter.actor ?? ''} placeholder="alice or host:hv1" /></label>
        <label>Type <select name="type" defaultValue={filter.type ?? ''}>
          <option value="">any</option>
          {EVENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select></label>
        <label>Since <input name="since" type="datetime-local" step={1} defaultValue={toLocalInput(filter.since)} /></label>
        <label>Until <input name="until" type="datetime-local" step={1} defaultValue={toLocalInput(filter.until)} /></label>
        <input type="hidden" name="correlation" value={filter.correlation ?? ''} />
        <button type="submit">Apply filters</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <p class="counts" role="status">{loading ? 'Loading…' : `${entries.length} events${next !== null ? ' (more below)' : ''}`}</p>
      <div class="table-wrap">
        <table class="history" data-testid="history">
          <thead><tr><th scope="col">Position</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Event</th><th scope="col">Network</th><th scope="col">Host</th><th scope="col">What</th><th scope="col">Command</th></tr></thead>
          <tbody>
            {entries.map((e) => [
              <tr key={e.position} data-position={e.position} data-type={e.type}>
                <td class="mono">{e.position}</td>
                <td><time dateTime={e.at}>{formatTime(e.at)}</time></td>
                <td>{e.actor}</td>
                <td>{e.type}</td>
                <td>{e.network ? <a href={networkHref(e.network)}>{e.network}</a> : ''}</td>
                <td>{e.host ?? ''}</td>
                <td>
                  {e.summary}{e.comment ? <span class="comment"> — “{e.comment}”</span> : null}
                  {e.diff && (
                    <button type="button" class="link diff-toggle" aria-expanded={open.has(e.position)} aria-controls={`diff-${e.position}`} onClick={() => toggle(e.position)}>
                      {open.has(e.position) ? 'Hide XML diff' : 'Show XML diff'}
                    </button>
                  )}
                </td>
                <td><a href={historyHref({ network: e.network ?? filter.network, correlation: e.correlationId })} title={`correlation ${e.correlationId}`}>command &amp; outcomes</a></td>
              </tr>,
              e.diff && open.has(e.position) ? (
                <tr key={`${e.position}-diff`} id={`diff-${e.position}`} class="diff-row">
                  <td colSpan={8}><DiffView diff={e.diff} label={`XML diff of ${e.network ?? 'the network'} at position ${e.position}`} /></td>
                </tr>
              ) : null,
            ])}
          </tbody>
        </table>
      </div>
      {next !== null && <button type="button" onClick={() => load(next, true)} disabled={loading}>Load more</button>}
    </section>
  );
}
