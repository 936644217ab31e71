import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionClient } from '../../src/client';
import { SessionProvider, useAccessToken, useSession, useSessions } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { serverRenderThenHydrate } from './helpers/hydrate';

let session: TestSession;
afterEach(async () => {
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

const hydrate = (client: SessionClient) => serverRenderThenHydrate(tree, client);

describe('hydration', () => {
  it('hydrates server HTML without a mismatch, then restores the session', async () => {
    session = createTestSession();
    await session.signIn();
    await session.client.dispose();
    const { html, complaints } = await hydrate(session.openTab());
    expect(html).toContain('<h1>loading</h1>');
    await screen.findByRole('heading', { name: 'Hello Test User' });
    await screen.findByText('1 sessions');
    expect(screen.getByText('has token')).toBeTruthy();
    expect(complaints()).toEqual([]);
  });

  it('hydrates as "loading" even when the client already knows the user', async () => {
    session = createTestSession();
    await session.signIn();
    const { complaints } = await hydrate(session.client);
    await screen.findByRole('heading', { name: 'Hello Test User' });
    expect(complaints()).toEqual([]);
  });
});
