import { useState } from 'preact/hooks';

/** Takes an API token (as `netfleet token-create` prints it); a viewer token is enough to look. */
export function LoginForm({ onLogIn }: { onLogIn: (token: string) => Promise<void> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onLogIn(token.trim());
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <h1>netfleet</h1>
      <form onSubmit={submit} aria-describedby="login-help">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required value={token}
          onInput={(e) => setToken(e.currentTarget.value)} aria-invalid={error ? 'true' : undefined} />
        <p id="login-help" class="help">A token from <code>netfleet token-create</code>: the viewer role can look, operator can start and destroy.</p>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy || token.trim() === ''}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
