import { useState, type FormEvent } from 'react';
import { isSessionError, useLogin, useSession } from 'react-dpop-session';
import { navigate } from '../router';

const reasons: Record<string, string> = {
  logout: 'You signed out.',
  revoked: 'This session was signed out from another device.',
  expired: 'Your session expired. Please sign in again.',
  reused: 'For your safety we signed you out: a sign-in token was used twice.',
  'key-lost': 'This browser lost its device key. Please sign in again.',
};

/** "4 minutes", "1 minute", "30 seconds": the server's wait, rounded up. */
function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function SignIn() {
  const { reason } = useSession();
  const login = useLogin();
  const [identifier, setIdentifier] = useState('demo@example.com');
  const [password, setPassword] = useState('demo');

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (login.isPending) return;
    try {
      await login.mutateAsync({ identifier, password });
      navigate('/');
    } catch {
      // The error is shown below from the mutation state.
    }
  }

  const error = login.error;
  const errorText = !error
    ? null
    : isSessionError(error) && error.code === 'unauthorized'
      ? 'Wrong email or password.'
      : isSessionError(error) && error.code === 'rate_limited'
        ? `Too many attempts. Try again in ${waitText(error.retryAfterSeconds)}.`
        : isSessionError(error) && error.code === 'server_error'
          ? 'The server could not sign you in. Try again in a moment.'
          : 'Could not sign in. Check your connection and try again.';

  return (
    <section className="demo-card demo-signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to Acme Notes</h1>
      {reason && (
        <p
          className="demo-notice"
          role="status"
          data-testid="signed-out-reason"
          data-reason={reason}
        >
          {reasons[reason] ?? 'You are signed out.'}
        </p>
      )}
      <form onSubmit={submit} className="demo-form">
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={identifier}
            onChange={(event) => setIdentifier(event.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </label>
        {errorText && (
          <p className="demo-error" role="alert">
            {errorText}
          </p>
        )}
        {/* aria-disabled, not disabled: a disabled button drops the keyboard focus. */}
        <button type="submit" className="demo-button" aria-disabled={login.isPending || undefined}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="demo-hint">
        Demo account: <code>demo@example.com</code> / <code>demo</code>. Your device key is a
        non-extractable P-256 key kept in this browser; every refresh is signed with it (DPoP).
      </p>
    </section>
  );
}
