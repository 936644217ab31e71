import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ActiveSessionsTable } from 'react-dpop-session';

export function Account() {
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function addDevice() {
    setAdding(true);
    setError(null);
    try {
      const response = await fetch('/api/demo/devices', { method: 'POST' });
      if (!response.ok) throw new Error(`The demo server answered ${response.status}`);
      await queryClient.invalidateQueries();
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setAdding(false);
    }
  }

  return (
    <div className="demo-stack">
      <section className="demo-card" aria-labelledby="account-title">
        <h1 id="account-title">Account security</h1>
        <p>
          These are the devices signed in to your account. Each one holds its own device key;
          revoking a session ends it at once, everywhere.
        </p>
        <ActiveSessionsTable />
      </section>
      <section className="demo-card" aria-labelledby="devices-title">
        <h2 id="devices-title">Try it with another device</h2>
        <p>
          Open this page in another browser profile or a private window and sign in there: that
          session appears above, and you can revoke it from here. Or let the demo server sign in a
          simulated device through the real protocol:
        </p>
        <button
          type="button"
          className="demo-button demo-button-quiet"
          onClick={() => void (adding || addDevice())}
          aria-disabled={adding || undefined}
        >
          {adding ? 'Signing in a device…' : 'Sign in as another device'}
        </button>
        {error && (
          <p className="demo-error" role="alert">
            {error}
          </p>
        )}
      </section>
    </div>
  );
}
