import { useEffect, useState } from 'react';
import { useAccessToken, useAuthFetch, useSession } from 'react-dpop-session';

function decodeClaims(token: string | null): Record<string, unknown> | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as Record<string, unknown>;
}

function useSecondsLeft(expiresAt: Date | null) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return expiresAt ? Math.max(0, Math.round((expiresAt.getTime() - now) / 1000)) : null;
}

type ApiState =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'done'; status: number; body: unknown }
  | { state: 'failed'; message: string };

export function Home() {
  const { profile, sessionId } = useSession<{ name?: string }>();
  const { accessToken, expiresAt } = useAccessToken();
  const authFetch = useAuthFetch();
  const secondsLeft = useSecondsLeft(expiresAt);
  const claims = decodeClaims(accessToken);
  const [api, setApi] = useState<ApiState>({ state: 'idle' });

  async function callApi() {
    setApi({ state: 'loading' });
    try {
      const response = await authFetch('/api/whoami');
      setApi({ state: 'done', status: response.status, body: await response.json() });
    } catch (error) {
      setApi({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <div className="demo-grid">
      <section className="demo-card" aria-labelledby="welcome-title">
        <h1 id="welcome-title">Welcome back, {profile?.name ?? 'there'}</h1>
        <p>
          You are signed in on this device. Session{' '}
          <code data-testid="session-id">{sessionId}</code>
        </p>
        <div className="demo-expiry" aria-live="off">
          <span className="demo-expiry-label">Access token expires in</span>
          <span className="demo-expiry-value" data-testid="expires-in">
            {secondsLeft ?? '–'} s
          </span>
          <span className="demo-hint">It lives in memory only and is refreshed on demand.</span>
        </div>
      </section>

      <section className="demo-card" aria-labelledby="api-title">
        <h2 id="api-title">Call a protected API</h2>
        <p>
          <code>GET /api/whoami</code> is checked by the demo back end with{' '}
          <code>verifyDpopRequest</code>: signature, expiry, the key binding, the proof and whether
          the session is still active.
        </p>
        <button
          type="button"
          className="demo-button"
          onClick={() => void (api.state === 'loading' || callApi())}
          aria-disabled={api.state === 'loading' || undefined}
        >
          {api.state === 'loading' ? 'Calling…' : 'Call /api/whoami'}
        </button>
        <div aria-live="polite" data-testid="api-result">
          {api.state === 'done' && (
            <pre
              className="demo-code"
              data-status={api.status}
              tabIndex={0}
              aria-label="Response of /api/whoami"
            >
              {api.status} {JSON.stringify(api.body, null, 2)}
            </pre>
          )}
          {api.state === 'failed' && (
            <p className="demo-error" role="alert">
              {api.message}
            </p>
          )}
        </div>
      </section>

      <section className="demo-card demo-wide" aria-labelledby="claims-title">
        <h2 id="claims-title">Access token claims</h2>
        {claims ? (
          <pre className="demo-code" data-testid="claims" tabIndex={0} aria-label="Claims">
            {JSON.stringify(claims, null, 2)}
          </pre>
        ) : (
          <p>No access token yet.</p>
        )}
      </section>
    </div>
  );
}
