import * as React from 'react';
import { StrictMode, useContext } from 'react';
import type { ReactNode } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionClient, SessionClientOptions } from '../../src/client';
import {
  MissingSessionProviderError,
  SessionContext,
  SessionProvider,
  useSession,
  useSessions,
} from '../../src/react';
import { OWNED_CLIENT_GRACE_MS } from '../../src/react/ownedClient';
import { createMemoryLocks, createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { countRequests, renderWithSession } from './helpers/session';

// React 19.2+; React 18 has no <Activity>.
const Activity = (
  React as { Activity?: React.ComponentType<{ mode: 'visible' | 'hidden'; children?: ReactNode }> }
).Activity;

/**
 * Lets the timers armed so far run first, the provider's deferred dispose included: equal
 * delays fire in the order they were set.
 */
const pastGraceDelay = () =>
  new Promise<void>((resolve) => setTimeout(resolve, OWNED_CLIENT_GRACE_MS));

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
          const off = (Reflect.get(target, property, receiver) as (...a: unknown[]) => () => void)(
            ...args,
          );
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
    // useSession's, and the provider's own, to know whose cached pages a sign-out drops.
    expect(live).toEqual({ subscribed: 2, events: 1 });
    view.unmount();
    expect(live).toEqual({ subscribed: 0, events: 0 });
  });

  it('keeps a client it created across the StrictMode remount and disposes it on unmount', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    const locks = createMemoryLocks();
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
          environment={{ locks }}
        >
          <Capture />
        </SessionProvider>
      </StrictMode>,
    );
    await screen.findByText('status: authenticated');
    expect(refreshes).toEqual([200]);
    // Past the grace delay of the StrictMode cleanup's release, the client is still live.
    await act(pastGraceDelay);
    expect((await locks.query()).held).toHaveLength(1); // its presence lock
    await expect(created!.listSessions()).resolves.toMatchObject({ total: 1 });
    expect(refreshes).toEqual([200]);

    view.unmount();
    await waitFor(async () => expect((await locks.query()).held).toEqual([]));
  });

  it.skipIf(!Activity)(
    'gives components a live client again after a hidden <Activity> outlived its client',
    async () => {
      session = await signedInThenReloaded();
      const refreshes = countRequests(session.server, '/refresh');
      const locks = createMemoryLocks();
      const Hideable = Activity!;
      function Shell(props: { mode: 'visible' | 'hidden'; children: ReactNode }) {
        return <Hideable mode={props.mode}>{props.children}</Hideable>;
      }
      // The same element each time, so the provider itself does not re-render on reveal.
      const tree = (
        <SessionProvider
          baseUrl={session.baseUrl}
          fetch={session.bridge.fetch}
          namespace={session.namespace}
          environment={{ locks }}
        >
          <Status />
        </SessionProvider>
      );
      const view = render(<Shell mode="visible">{tree}</Shell>);
      await screen.findByText('status: authenticated');

      view.rerender(<Shell mode="hidden">{tree}</Shell>);
      await waitFor(async () => expect((await locks.query()).held).toEqual([]));

      view.rerender(<Shell mode="visible">{tree}</Shell>);
      await screen.findByText('status: authenticated');
      expect(refreshes).toEqual([200, 200]);
      expect((await locks.query()).held).toHaveLength(1);
    },
  );

  it('never disposes a client it was given', async () => {
    session = createTestSession();
    const view = renderWithSession(<Status />, { client: session.client });
    await screen.findByText('status: unauthenticated');
    view.unmount();
    await act(pastGraceDelay);
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
    expect(
      appQueryClient.getQueryCache().findAll({ queryKey: ['react-dpop-session'] }),
    ).toHaveLength(1);
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
    expect(queryClient.getQueryCache().findAll({ queryKey: ['react-dpop-session'] })).toHaveLength(
      1,
    );
  });
});

function NamedStatus(props: { name: string; onClient?: (client: SessionClient) => void }) {
  const client = useContext(SessionContext)?.client;
  if (client) props.onClient?.(client);
  const { status } = useSession();
  return (
    <p>
      {props.name}: {status}
    </p>
  );
}

/**
 * A provider that creates its own client. `environment` is a new object literal each
 * time, as it is in an app's JSX; the options still count as the same.
 */
function provider(
  locks: ReturnType<typeof createMemoryLocks>,
  children: ReactNode,
  options: Partial<SessionClientOptions> = {},
) {
  return (
    <SessionProvider
      baseUrl={session.baseUrl}
      fetch={session.bridge.fetch}
      namespace={session.namespace}
      environment={{ locks }}
      {...options}
    >
      {children}
    </SessionProvider>
  );
}

describe('a client the provider creates', () => {
  it('is reused with its token when the provider remounts within the grace delay', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    const locks = createMemoryLocks();
    const clients: SessionClient[] = [];
    const tree = () => (
      <StrictMode>
        {provider(locks, <NamedStatus name="a" onClient={(c) => clients.push(c)} />)}
      </StrictMode>
    );

    const first = render(tree());
    await screen.findByText('a: authenticated');
    expect(refreshes).toEqual([200]);

    // A new provider instance, mounted right after the old one unmounted.
    first.unmount();
    const second = render(tree());
    // It starts signed in: no "loading" flash and no second restore.
    expect(screen.getByText('a: authenticated')).toBeTruthy();
    expect(new Set(clients).size).toBe(1);
    await act(pastGraceDelay);
    await expect(clients.at(-1)!.listSessions()).resolves.toMatchObject({ total: 1 });
    expect(refreshes).toEqual([200]);
    expect((await locks.query()).held).toHaveLength(1); // one client's presence lock

    second.unmount();
    await waitFor(async () => expect((await locks.query()).held).toEqual([]));
  });

  it('is disposed once no provider has held it for the grace delay, and a later provider restores anew', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    const locks = createMemoryLocks();
    const clients: SessionClient[] = [];
    const tree = () => provider(locks, <NamedStatus name="a" onClient={(c) => clients.push(c)} />);

    const first = render(tree());
    await screen.findByText('a: authenticated');
    first.unmount();
    await waitFor(async () => expect((await locks.query()).held).toEqual([]));
    const disposed = clients.at(-1);

    render(tree());
    expect(screen.getByText('a: loading')).toBeTruthy();
    await screen.findByText('a: authenticated');
    expect(clients.at(-1)).not.toBe(disposed);
    expect(refreshes).toEqual([200, 200]);
  });

  it('is shared by providers of the same options and kept until the last one unmounts', async () => {
    session = await signedInThenReloaded();
    const refreshes = countRequests(session.server, '/refresh');
    const locks = createMemoryLocks();
    const clients = new Map<string, SessionClient>();
    const status = (name: string) => (
      <NamedStatus name={name} onClient={(c) => clients.set(name, c)} />
    );

    const view = render(<div key="a">{provider(locks, status('a'))}</div>);
    await screen.findByText('a: authenticated');

    view.rerender(
      <>
        <div key="a">{provider(locks, status('a'))}</div>
        <div key="b">{provider(locks, status('b'))}</div>
      </>,
    );
    // The new provider starts signed in, on the client the other one holds.
    expect(screen.getByText('b: authenticated')).toBeTruthy();
    expect(clients.get('b')).toBe(clients.get('a'));

    view.rerender(<div key="b">{provider(locks, status('b'))}</div>);
    await act(pastGraceDelay);
    // Still the live client: a disposed one would have been replaced and restored again.
    await expect(clients.get('b')!.listSessions()).resolves.toMatchObject({ total: 1 });
    expect(refreshes).toEqual([200]);
    expect((await locks.query()).held).toHaveLength(1);

    view.unmount();
    await waitFor(async () => expect((await locks.query()).held).toEqual([]));
  });

  it('is not shared by providers whose options differ', async () => {
    session = await signedInThenReloaded();
    const locks = createMemoryLocks();
    const clients = new Map<string, SessionClient>();
    const status = (name: string) => (
      <NamedStatus name={name} onClient={(c) => clients.set(name, c)} />
    );
    const otherFetch: typeof fetch = (input, init) => session.bridge.fetch(input, init);

    const view = render(<div key="a">{provider(locks, status('a'))}</div>);
    await screen.findByText('a: authenticated');

    view.rerender(
      <>
        <div key="a">{provider(locks, status('a'))}</div>
        <div key="fetch">{provider(locks, status('other fetch'), { fetch: otherFetch })}</div>
        <div key="skew">{provider(locks, status('other skew'), { refreshSkewSeconds: 5 })}</div>
      </>,
    );
    // Clients of their own, which restore the session themselves.
    expect(screen.getByText('other fetch: loading')).toBeTruthy();
    expect(screen.getByText('other skew: loading')).toBeTruthy();
    await screen.findByText('other fetch: authenticated');
    await screen.findByText('other skew: authenticated');
    expect(new Set(clients.values()).size).toBe(3);
    await waitFor(async () => expect((await locks.query()).held).toHaveLength(3));
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
      expect(() => render(<Orphan />)).toThrow(
        expect.objectContaining({ code: 'missing_provider', hook }),
      );
    } finally {
      console.error = silence;
    }
  });

  it("matches an app's own subclass of MissingSessionProviderError to its own instances only", () => {
    class AppProviderError extends MissingSessionProviderError {}
    expect(new AppProviderError('useSession')).toBeInstanceOf(MissingSessionProviderError);
    expect(new MissingSessionProviderError('useSession')).not.toBeInstanceOf(AppProviderError);
  });
});
