import { useEffect, useState } from 'preact/hooks';
import type { CommandAnswer, NetworkDetailAnswer, WaitProgressAnswer as Progress } from '@netfleet/api-types/network-answers';
import type { NetworkView } from '@netfleet/fleet/fleet-view';
import { networkKeyOf } from '@netfleet/fleet/evolve';
import { ApiError, readLines, type ApiClient } from '../api/api-client';
import { CELL_LABEL, cellOf } from '../lib/cell-state';
import { formatTime } from '../lib/format-time';
import type { LiveState } from '../state/live-fleet';
import { historyHref } from '../state/route';
import type { Session } from './app';
import { PortsTable } from './ports-table';
import { XmlView } from './xml-view';

interface Action { verb: 'start' | 'destroy'; progress?: Progress; answer?: CommandAnswer; error?: string }

const WAIT_SECONDS = 30;

/**
 * A network: its definition, placement, per-host status (live), and start / destroy with --wait.
 * Its whole view is fetched when the page opens (GET /v1/networks/:name) and again whenever the
 * event stream brings an event about it; the hosts' liveness is the live fleet's.
 */
export function NetworkPage({ session, live, name }: { session: Session; live: LiveState; name: string }) {
  const detail = useNetworkDetail(session, name);
  const network = detail.network;
  const [action, setAction] = useState<Action | undefined>();
  const canAct = session.who.role !== 'viewer';
  const busy = action !== undefined && !action.answer && !action.error;

  const run = async (verb: 'start' | 'destroy') => {
    setAction({ verb });
    try {
      const response = await session.api.send('POST', `/v1/networks/${encodeURIComponent(name)}/${verb}?wait=true&timeout=${WAIT_SECONDS}`, undefined, 'application/x-ndjson');
      if (!(response.headers.get('content-type') ?? '').includes('ndjson')) {
        setAction({ verb, answer: (await response.json()) as CommandAnswer });
        return;
      }
      await readLines(response, (line) => {
        const l = line as { progress?: Progress; result?: CommandAnswer };
        if (l.progress) setAction((a) => ({ ...a!, progress: l.progress! }));
        if (l.result) setAction((a) => ({ ...a!, answer: l.result! }));
      });
    } catch (e) {
      setAction({ verb, error: (e as Error).message });
    }
  };

  if (!detail.loaded) return <p class="loading" role="status">Loading…</p>;
  if (detail.error) return <p class="error" role="alert">Could not load {name}: {detail.error}</p>;
  if (!network) {
    return (
      <section>
        <h1>{name}</h1>
        <p>Network <strong>{name}</strong> is not defined now. <a href={historyHref({ network: name })}>See its history</a>.</p>
      </section>
    );
  }
  const hosts = [...new Set([...network.hosts, ...Object.keys(network.perHost)])].sort();
  return (
    <article class="network-page" aria-labelledby="network-title">
      <header class="network-head">
        <h1 id="network-title">{network.name}</h1>
        <dl class="facts">
          <div><dt>Type</dt><dd>{network.networkType}</dd></div>
          <div><dt>Active</dt><dd data-testid="network-active">{network.active ? 'yes' : 'no'}</dd></div>
          <div><dt>Persistent</dt><dd>{network.persistent ? 'yes' : 'no'}</dd></div>
          <div><dt>Autostart</dt><dd>{network.autostart ? 'yes' : 'no'}</dd></div>
          <div><dt>Generation</dt><dd>{network.generation}</dd></div>
          <div><dt>UUID</dt><dd class="mono">{network.uuid}</dd></div>
          <div><dt>Updated</dt><dd>{formatTime(network.updatedAt)}</dd></div>
        </dl>
        <p><a href={historyHref({ network: network.name })}>History of {network.name}</a></p>
      </header>

      <section class="actions" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <div class="buttons">
          <button type="button" onClick={() => run('start')} disabled={!canAct || busy} aria-describedby={canAct ? undefined : 'role-note'}>Start</button>
          <button type="button" class="danger" onClick={() => run('destroy')} disabled={!canAct || busy} aria-describedby={canAct ? undefined : 'role-note'}>Destroy</button>
        </div>
        {!canAct && <p id="role-note" class="help">Your token has the {session.who.role} role: starting and destroying need operator.</p>}
        {action && <ActionOutcome action={action} network={network.name} />}
      </section>

      <section aria-labelledby="hosts-title">
        <h2 id="hosts-title">Placement and per-host status</h2>
        <p>Placed on: {network.hosts.length ? network.hosts.join(', ') : 'no hosts'}</p>
        <div class="table-wrap">
          <table class="per-host" data-testid="per-host">
            <thead><tr><th scope="col">Host</th><th scope="col">State</th><th scope="col">Desired</th><th scope="col">Observed</th><th scope="col">Generation (applied / asked)</th><th scope="col">Controller</th><th scope="col">Last error</th><th scope="col">Last drift</th><th scope="col">Updated</th></tr></thead>
            <tbody>
              {hosts.map((h) => {
                const cell = cellOf(network, h, live.hosts[h]);
                const s = network.perHost[h];
                return (
                  <tr key={h} data-host={h}>
                    <th scope="row">{h}{live.hosts[h] && !live.hosts[h]!.online ? ' (offline)' : ''}</th>
                    <td><span class={`badge s-${cell?.state ?? 'stopped'}`} data-testid={`state-${h}`}>{cell ? CELL_LABEL[cell.state] : 'leaving'}</span></td>
                    <td>{s?.desired ?? (network.active ? 'running' : 'stopped')}</td>
                    <td>{s?.observed ?? '–'}</td>
                    <td>{s ? `${s.appliedGeneration ?? '–'} / ${s.generation}` : '–'}</td>
                    <td>{s && s.controllers.length > 0 ? s.controllers.map((c) => (
                      <div key={c.target} class={c.connected ? 'ctl-ok' : 'ctl-bad'}>{c.target}: {c.connected ? 'connected' : 'disconnected'}{c.state ? ` (${c.state})` : ''}{c.lastError ? ` — ${c.lastError}` : ''}</div>
                    )) : 'none reported'}</td>
                    <td class="error-text">{s?.lastError ?? ''}{s?.warnings.length ? <div class="warn">warnings: {s.warnings.join('; ')}</div> : null}</td>
                    <td>{s?.lastDrift ? `${s.lastDrift.differences.join('; ')}${s.lastDrift.repaired ? ' (repaired)' : ''} at ${formatTime(s.lastDrift.at)}` : ''}</td>
                    <td>{s ? formatTime(s.updatedAt) : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <PortsTable network={network} hosts={hosts} />

      <section aria-labelledby="xml-title">
        <h2 id="xml-title">Definition</h2>
        <XmlView xml={network.xml} label={`XML definition of ${network.name}`} />
      </section>
    </article>
  );
}

function ActionOutcome({ action, network }: { action: Action; network: string }) {
  const { verb, progress, answer, error } = action;
  if (error) return <p class="error" role="alert">net-{verb} {network} failed: {error}</p>;
  return (
    <div class="outcome" role="status" aria-live="polite" data-testid="action-outcome">
      {!answer && <p>{verb === 'start' ? 'Starting' : 'Destroying'} {network}… {progress ? `waiting: ${progress.done}/${progress.total} hosts answered${progress.waitingFor.length ? `; waiting for ${progress.waitingFor.join(', ')}` : ''}` : 'sent'}</p>}
      {answer && (
        <>
          <p>
            Network {network} {verb === 'start' ? 'started' : 'destroyed'}{answer.complete ? '' : ' (not every host answered in time)'}.
            {' '}<a href={historyHref({ network, correlation: answer.correlationId })}>This command and its host outcomes</a>
          </p>
          {answer.hosts.length > 0 && (
            <table class="outcomes">
              <thead><tr><th scope="col">Host</th><th scope="col">Outcome</th><th scope="col">Generation</th><th scope="col">Detail</th></tr></thead>
              <tbody>
                {answer.hosts.map((h) => (
                  <tr key={h.host} data-host={h.host}>
                    <th scope="row">{h.host}</th>
                    <td><span class={`badge o-${h.outcome}`}>{h.outcome === 'pending' ? 'pending (no answer)' : h.outcome}</span></td>
                    <td>{h.generation}</td>
                    <td>{h.error ?? (h.outcome === 'offline' && h.offlineSince ? `offline since ${formatTime(h.offlineSince)}` : h.warnings.join('; '))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

interface Detail { loaded: boolean; network: NetworkView | undefined; error: string | undefined }

/** The network's whole view, read when the page opens and again after every event about it. */
function useNetworkDetail(session: Session, name: string): Detail {
  const [detail, setDetail] = useState<Detail>({ loaded: false, network: undefined, error: undefined });
  useEffect(() => {
    setDetail({ loaded: false, network: undefined, error: undefined });
    const reader = new DetailReader(session.api, name, setDetail);
    reader.read();
    const off = session.live.onEvents((events) => { if (events.some((e) => networkKeyOf(e) === name)) reader.read(); });
    return () => { off(); reader.stop(); };
  }, [session, name]);
  return detail;
}

/** One read at a time; a wish to read during one makes one more after it (the latest state last). */
class DetailReader {
  private busy = false;
  private again = false;
  private stopped = false;
  constructor(private readonly api: ApiClient, private readonly name: string, private readonly onDetail: (d: Detail) => void) {}

  read(): void {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    this.again = false;
    this.api.get<NetworkDetailAnswer>(`/v1/networks/${encodeURIComponent(this.name)}`)
      .then((network) => { if (!this.stopped) this.onDetail({ loaded: true, network: network as NetworkView, error: undefined }); })
      .catch((e: unknown) => {
        if (this.stopped) return;
        // Not defined (now): the page says so and links its history.
        if (e instanceof ApiError && e.status === 404) this.onDetail({ loaded: true, network: undefined, error: undefined });
        else this.onDetail({ loaded: true, network: undefined, error: (e as Error).message });
      })
      .finally(() => { this.busy = false; if (this.again && !this.stopped) this.read(); });
  }

  stop(): void { this.stopped = true; }
}
