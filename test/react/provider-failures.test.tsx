import { Suspense } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider, useSuspenseQuery } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionClient, UnexpectedError } from '../../src/client';
import { SessionProvider, useAuthFetch, useSession } from '../../src/react';
import { OWNED_CLIENT_GRACE_MS } from '../../src/react/ownedClient';
import { createMemoryLocks, createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

const pastGraceDelay = () =>
  new Promise<void>((resolve) => setTimeout(resolve, OWNED_CLIENT_GRACE_MS * 2));

/** Signs in, then closes that tab: the next client must restore from the cookie. */
async function signedInThenReloaded(): Promise<TestSession> {
  session = createTestSession();
  await session.signIn();
  await session.client.dispose();
  return session;
}

describe('SessionProvider: failures before and during mount', () => {
  it('leaks no running client from a provider render that suspended before it mounted', async () => {
    session = await signedInThenReloaded();
    const locks = createMemoryLocks();
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    // The README's pattern, as a suspense query: authFetch runs during render.
    function Orders() {
      const authFetch = useAuthFetch();
      const { status } = useSession();
      const { data } = useSuspenseQuery({
        queryKey: ['orders'],
        queryFn: () => authFetch(`${session.baseUrl}/v1/session/me/list`).then((r) => r.status),
      });
      return (
        <p>
          orders: {data} {status}
        </p>
      );
    }
    const view = render(
      <QueryClientProvider client={queryClient}>
        <Suspense fallback={<p>loading…</p>}>
          <SessionProvider
            baseUrl={session.baseUrl}
            fetch={session.bridge.fetch}
            namespace={session.namespace}
            environment={{ locks }}
          >
            <Orders />
          </SessionProvider>
        </Suspense>
      </QueryClientProvider>,
    );
    await screen.findByText('orders: 200 authenticated');
    // One provider, one client: one presence lock, once the render that never committed
    // has had its grace delay (React 18 shows the content sooner than that).
    await waitFor(async () => expect((await locks.query()).held).toHaveLength(1), {
      timeout: OWNED_CLIENT_GRACE_MS * 5,
    });

    view.unmount();
    await act(pastGraceDelay);
    // Every client the provider created is disposed once nothing holds it.
    await waitFor(async () => expect((await locks.query()).held).toEqual([]));
  });

  function Status() {
    const { status, error, reason } = useSession();
    return (
      <p>
        status: {status}
        {error ? ` (${error.name})` : ''}
        {reason ? ` (${reason})` : ''}
      </p>
    );
  }

  it('signs out ("key-lost"), not "loading" forever, when the stored key cannot sign', async () => {
    session = await signedInThenReloaded();
    // A key record this version cannot use (written by another version of the kit, or damaged).
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('react-dpop-session');
      open.onsuccess = () => {
        const tx = open.result.transaction('kv', 'readwrite');
        tx.objectStore('kv').put({ generation: 1 }, `${session.namespace}:key`);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      };
      open.onerror = () => reject(open.error);
    });
    renderWithSession(<Status />, { client: session.openTab() });
    await screen.findByText('status: unauthenticated (key-lost)');
  });

  it('shows an error state, not "loading" forever, when the restore fails outside the protocol', async () => {
    session = await signedInThenReloaded();
    // An app's clock that throws: not the kit's kind of failure, still reported, typed.
    const client = createSessionClient({
      baseUrl: session.baseUrl,
      fetch: session.bridge.fetch,
      namespace: session.namespace,
      environment: { locks: createMemoryLocks() },
      now: () => {
        throw new TypeError('clock unavailable');
      },
    });
    renderWithSession(<Status />, { client });
    await screen.findByText('status: error (UnexpectedError)');
    const error = await client.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedError);
    expect((error as UnexpectedError).code).toBe('unexpected_error');
    expect((error as UnexpectedError).cause).toBeInstanceOf(TypeError);
    await client.dispose();
  });
});
