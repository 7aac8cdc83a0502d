import { useEffect, useMemo, useState } from 'preact/hooks';
import type { WhoamiAnswer } from '@netfleet/api-types/access-answers';
import { ApiClient } from '../api/api-client';
import { LiveFleet } from '../state/live-fleet';
import { historyHref, useRoute, webhooksHref } from '../state/route';
import { useLive } from '../state/use-live';
import { FleetPage } from './fleet-page';
import { HistoryPage } from './history-page';
import { LoginForm } from './login-form';
import { NetworkPage } from './network-page';
import { WebhooksPage } from './webhooks-page';

const TOKEN_KEY = 'netfleet.token';

export interface Session { api: ApiClient; who: WhoamiAnswer; live: LiveFleet }

/** Log-in gate, then the pages. The token lives in this tab's session storage only. */
export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [checking, setChecking] = useState(() => !!sessionStorage.getItem(TOKEN_KEY));

  const logIn = async (token: string) => {
    const api = new ApiClient(token);
    // The live fleet's first read goes out beside whoami (the same token answers both or
    // neither): the first render waits for one round trip less.
    const live = new LiveFleet(api);
    void live.start();
    let who: WhoamiAnswer;
    try {
      who = await api.whoami();
    } catch (e) {
      live.stop();
      throw e;
    }
    sessionStorage.setItem(TOKEN_KEY, token);
    setSession({ api, who, live });
  };
  const logOut = () => {
    session?.live.stop();
    sessionStorage.removeItem(TOKEN_KEY);
    setSession(undefined);
  };

  useEffect(() => {
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) logIn(saved).catch(() => sessionStorage.removeItem(TOKEN_KEY)).finally(() => setChecking(false));
  }, []);

  if (!session) return checking ? <p class="loading">Checking the saved token…</p> : <LoginForm onLogIn={logIn} />;
  return <Shell session={session} onLogOut={logOut} />;
}

function Shell({ session, onLogOut }: { session: Session; onLogOut: () => void }) {
  const route = useRoute();
  const live = useLive(session.live);
  const title = useMemo(() => route.page === 'network' ? `${route.name} · netfleet` : route.page === 'history' ? 'History · netfleet' : route.page === 'webhooks' ? 'Webhooks · netfleet' : 'Fleet · netfleet', [route]);
  useEffect(() => { document.title = title; }, [title]);
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <span class="brand">netfleet</span>
        <nav aria-label="Pages">
          <a href="#/" aria-current={route.page === 'fleet' ? 'page' : undefined}>Fleet</a>
          <a href={historyHref()} aria-current={route.page === 'history' ? 'page' : undefined}>History</a>
          <a href={webhooksHref()} aria-current={route.page === 'webhooks' ? 'page' : undefined}>Webhooks</a>
        </nav>
        <span class={`stream stream-${live.status}`} role="status" data-testid="stream-status" title={live.statusDetail}>
          {live.status === 'live' ? '● live' : live.status === 'connecting' ? '○ connecting' : '○ reconnecting'}
          <span class="position"> · position <span data-testid="live-position">{live.position}</span></span>
        </span>
        <span class="who">{session.who.actor} <span class={`role role-${session.who.role}`}>({session.who.role})</span></span>
        <button type="button" class="link" onClick={onLogOut}>Log out</button>
      </header>
      {live.error && <p class="error" role="alert">Could not load the fleet: {live.error}</p>}
      <main id="main" tabIndex={-1}>
        {route.page === 'fleet' && <FleetPage session={session} livePosition={live.position} />}
        {route.page === 'network' && <NetworkPage session={session} live={live} name={route.name} />}
        {route.page === 'history' && <HistoryPage session={session} query={route.query} />}
        {route.page === 'webhooks' && <WebhooksPage session={session} position={live.position} />}
      </main>
    </div>
  );
}
