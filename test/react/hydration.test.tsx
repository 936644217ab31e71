import { act, cleanup, screen } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionClient } from '../../src/client';
import { SessionProvider, useAccessToken, useSession, useSessions } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';

let session: TestSession;
let root: Root | undefined;
afterEach(async () => {
  act(() => root?.unmount());
  root = undefined;
  cleanup();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
  await session?.dispose();
});

function App() {
  const { status, profile } = useSession<{ name: string }>();
  const { accessToken } = useAccessToken();
  const { total } = useSessions();
  return (
    <main>
      <h1>{status === 'authenticated' ? `Hello ${profile?.name}` : status}</h1>
      <p>{accessToken ? 'has token' : 'no token'}</p>
      <p>{total} sessions</p>
    </main>
  );
}

const tree = (client: SessionClient) => (
  <SessionProvider client={client}>
    <App />
  </SessionProvider>
);

/**
 * Renders the app as a server would, with a client that knows nothing (the key and
 * cookie are browser secrets), then hydrates that HTML with `client`, recording every
 * hydration complaint.
 */
async function serverRenderThenHydrate(client: SessionClient) {
  const serverClient = createTestSession().client;
  const html = renderToString(tree(serverClient));
  await serverClient.dispose();
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.appendChild(container);
  const consoleError = vi.spyOn(console, 'error');
  const recoverable = vi.fn();
  await act(async () => {
    root = hydrateRoot(container, tree(client), { onRecoverableError: recoverable });
  });
  return { html, complaints: () => [...recoverable.mock.calls, ...consoleError.mock.calls] };
}

describe('hydration', () => {
  it('hydrates server HTML without a mismatch, then restores the session', async () => {
    session = createTestSession();
    await session.signIn();
    await session.client.dispose();
    const { html, complaints } = await serverRenderThenHydrate(session.openTab());
    expect(html).toContain('<h1>loading</h1>');
    await screen.findByRole('heading', { name: 'Hello Test User' });
    await screen.findByText('1 sessions');
    expect(screen.getByText('has token')).toBeTruthy();
    expect(complaints()).toEqual([]);
  });

  it('hydrates as "loading" even when the client already knows the user', async () => {
    session = createTestSession();
    await session.signIn();
    const { complaints } = await serverRenderThenHydrate(session.client);
    await screen.findByRole('heading', { name: 'Hello Test User' });
    expect(complaints()).toEqual([]);
  });
});
