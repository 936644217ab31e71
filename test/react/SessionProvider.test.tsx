import { StrictMode, useContext } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { DisposedError } from '../../src/client';
import type { SessionClient } from '../../src/client';
import {
  MissingSessionProviderError,
  SessionContext,
  SessionProvider,
  useSession,
  useSessions,
} from '../../src/react';
import { createMemoryLocks, createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { countRequests, renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

/** Signs in, then closes that tab: the next client must restore from the cookie. */
async function signedInThenReloaded(): Promise<TestSession> {
  session = createTestSession();
  await session.signIn();
  await session.client.dispose();
  return session;
}

function Status() {
  const { status } = useSession();
  return <p>status: {status}</p>;
}

/** Counts the listeners a client has, to find orphans. */
function countListeners(client: SessionClient) {
  const live = { subscribed: 0, events: 0 };
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'subscribe' || property === 'on') {
        const key = property === 'subscribe' ? 'subscribed' : 'events';
        return (...args: unknown[]) => {
          const off = (Reflect.get(target, property, receiver) as (...a: unknown[]) => () => void)(...args);
          live[key] += 1;
          let done = false;
          return () => {
            if (!done) live[key] -= 1;
            done = true;
            off();
          };
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { client: proxy, live };
}

describe('SessionProvider', () => {
  it('restores a signed-in session on mount with one silent refresh', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    renderWithSession(<Status />, { client: session.openTab() });
    expect(screen.getByText('status: loading')).toBeTruthy();
    await screen.findByText('status: authenticated');
    expect(refreshes).toEqual([200]);
  });

  it('turns a failed restore into state, not a thrown error', async () => {
    session = createTestSession();
    renderWithSession(<Status />, { client: session.client });
    await screen.findByText('status: unauthenticated');
  });

  it('makes exactly one refresh under StrictMode and leaves no listener behind', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    const { client, live } = countListeners(session.openTab());
    const view = renderWithSession(<Status />, { client, strict: true });
    await screen.findByText('status: authenticated');
    expect(refreshes).toEqual([200]);
    expect(live).toEqual({ subscribed: 1, events: 1 });
    view.unmount();
    expect(live).toEqual({ subscribed: 0, events: 0 });
  });

  it('keeps a client it created across the StrictMode remount and disposes it on unmount', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    let created: SessionClient | undefined;
    function Capture() {
      created = useContext(SessionContext)?.client;
      return <Status />;
    }
    const view = render(
      <StrictMode>
        <SessionProvider
          baseUrl={session.baseUrl}
          fetch={session.bridge.fetch}
          namespace={session.namespace}
          environment={{ locks: createMemoryLocks() }}
        >
          <Capture />
        </SessionProvider>
      </StrictMode>,
    );
    await screen.findByText('status: authenticated');
    expect(refreshes).toEqual([200]);
    // Past the deferred dispose of the StrictMode cleanup, the client still works.
    await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
    expect(created!.getSnapshot().status).toBe('authenticated');
    await expect(created!.listSessions()).resolves.toMatchObject({ total: 1 });

    view.unmount();
    await waitFor(() => expect(() => created!.getSnapshot()).toThrow(DisposedError));
  });

  it('never disposes a client it was given', async () => {
    session = createTestSession();
    const view = renderWithSession(<Status />, { client: session.client });
    await screen.findByText('status: unauthenticated');
    view.unmount();
    await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
    expect(session.client.getSnapshot().status).toBe('unauthenticated');
  });

  it("uses the app's QueryClient when a QueryClientProvider is above it", async () => {
    session = createTestSession();
    await session.signIn();
    const appQueryClient = new QueryClient();
    function Sessions() {
      const { total } = useSessions();
      return <p>total: {total}</p>;
    }
    render(
      <QueryClientProvider client={appQueryClient}>
        <SessionProvider client={session.client}>
          <Sessions />
        </SessionProvider>
      </QueryClientProvider>,
    );
    await screen.findByText('total: 1');
    expect(appQueryClient.getQueryCache().findAll({ queryKey: ['react-dpop-session'] })).toHaveLength(1);
  });

  it('keeps a private QueryClient without leaking a QueryClientProvider into the app', async () => {
    session = createTestSession();
    await session.signIn();
    let appSeesQueryClient: boolean | undefined;
    function AppCode() {
      try {
        useQueryClient();
        appSeesQueryClient = true;
      } catch {
        appSeesQueryClient = false;
      }
      const { total } = useSessions();
      return <p>total: {total}</p>;
    }
    renderWithSession(<AppCode />, { client: session.client });
    await screen.findByText('total: 1');
    expect(appSeesQueryClient).toBe(false);
  });

  it('uses an explicitly given QueryClient', async () => {
    session = createTestSession();
    await session.signIn();
    const queryClient = new QueryClient();
    function Sessions() {
      return <p>total: {useSessions().total}</p>;
    }
    renderWithSession(<Sessions />, { client: session.client, queryClient });
    await screen.findByText('total: 1');
    expect(queryClient.getQueryCache().findAll({ queryKey: ['react-dpop-session'] })).toHaveLength(1);
  });
});

describe('hooks outside the provider', () => {
  it.each([
    ['useSession', () => useSession()],
    ['useSessions', () => useSessions()],
  ])('%s throws an error that says how to fix it', (hook, useHook) => {
    function Orphan() {
      useHook();
      return null;
    }
    const silence = console.error;
    console.error = () => {};
    try {
      expect(() => render(<Orphan />)).toThrow(MissingSessionProviderError);
      expect(() => render(<Orphan />)).toThrow(expect.objectContaining({ code: 'missing_provider', hook }));
    } finally {
      console.error = silence;
    }
  });
});
