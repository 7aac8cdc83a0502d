import { useEffect, useState } from 'preact/hooks';
import { formatTime } from '../lib/format-time';
import type { Session } from './app';

interface WebhookStatus {
  id: string; url: string; types: string[]; networks: string[]; hosts: string[];
  status: 'active' | 'retrying' | 'failed'; deliveredPosition: number; headPosition: number; lag: number;
  deliveredCount: number; attempts: number; lastError: string | null; lastSuccessAt: string | null; nextAttemptAt: string;
}

const orAll = (list: string[]) => (list.length > 0 ? list.join(', ') : 'all');

/**
 * Every webhook's delivery: status, position delivered against the log's head (lag), failed
 * attempts and the last error. Read again whenever the live stream moves (a new event is
 * something to deliver) and on demand; adding and removing is the CLI's (docs/webhooks.md).
 */
export function WebhooksPage({ session, position }: { session: Session; position: number }) {
  const [webhooks, setWebhooks] = useState<WebhookStatus[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async () => {
    try {
      setWebhooks((await session.api.get<{ webhooks: WebhookStatus[] }>('/v1/webhooks')).webhooks);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => { void load(); }, [position]);

  return (
    <section class="webhooks-page" aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <p>
        Matching events are delivered to each receiver as signed CloudEvents, at least once and in order.{' '}
        <button type="button" class="link" onClick={() => void load()}>Refresh</button>
      </p>
      {error && <p class="error" role="alert">{error}</p>}
      {webhooks?.length === 0 && <p role="status">No webhooks. Add one with <code>netfleet webhook-add URL</code>.</p>}
      {webhooks && webhooks.length > 0 && (
        <div class="table-wrap">
          <table class="webhooks" data-testid="webhooks">
            <thead><tr><th>Id</th><th>URL</th><th>Filters</th><th>Status</th><th>Delivered</th><th>Lag</th><th>Last error</th></tr></thead>
            <tbody>
              {webhooks.map((w) => (
                <tr key={w.id} data-testid={`webhook-${w.id}`}>
                  <td class="mono">{w.id}</td>
                  <td class="mono">{w.url}</td>
                  <td>types {orAll(w.types)}; networks {orAll(w.networks)}; hosts {orAll(w.hosts)}</td>
                  <td class={`webhook-${w.status}`}>{w.status}{w.status === 'retrying' ? ` (attempt ${w.attempts + 1} at ${formatTime(w.nextAttemptAt)})` : ''}</td>
                  <td class="mono" title={w.lastSuccessAt ? `last success ${formatTime(w.lastSuccessAt)}` : undefined}>{w.deliveredCount} events · position {w.deliveredPosition} of {w.headPosition}</td>
                  <td class="mono">{w.lag}</td>
                  <td>{w.lastError ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
