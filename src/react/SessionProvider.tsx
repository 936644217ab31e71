import { useContext, useEffect, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import { QueryClient, QueryClientContext } from '@tanstack/react-query';
import type { Profile, SessionClient, SessionClientOptions } from '../client/types';
import { createOwnedClient } from './ownedClient';
import type { OwnedClient } from './ownedClient';
import { identityOf, sessionQueryKeys } from './queryOptions';
import type { SessionsIdentity } from './queryOptions';
import { SessionContext } from './sessionContext';
import type { SessionContextValue } from './sessionContext';

interface CommonProps {
  children?: ReactNode;
  /**
   * The QueryClient for the sessions list and mutations. Default: the one of a
   * `QueryClientProvider` above, else a private one (no provider is rendered for it).
   */
  queryClient?: QueryClient;
}

/**
 * Props of `<SessionProvider>`: a ready `client`, or the options of
 * `createSessionClient` (read once, on mount) for the provider to create its own.
 */
export type SessionProviderProps<P extends Profile = Profile> = CommonProps &
  (
    | ({ client: SessionClient<P> } & { [K in keyof SessionClientOptions]?: never })
    | ({ client?: never } & SessionClientOptions)
  );

const noop = (): void => {};

// Restore at most once per client, whatever StrictMode, remounts or several providers do.
const restoring = new WeakSet<SessionClient<Profile>>();

function restoreOnce(client: SessionClient<Profile>): void {
  if (restoring.has(client)) return;
  restoring.add(client);
  // A signed-out client (logout, sign-in elsewhere) has nothing to restore.
  if (client.getSnapshot().status !== 'loading') return;
  // A failure is already in the snapshot (`unauthenticated` or `error`); nothing to throw.
  client.refresh().catch(noop);
}

/**
 * Drops the cached sessions pages of every user and session `client` was signed in as,
 * once it signs out; the pages of other clients sharing the QueryClient stay. Returns
 * the cleanup.
 */
function dropSessionsOnSignOut(client: SessionClient<Profile>, queryClient: QueryClient) {
  // The snapshot is already signed out when `signed-out` fires: remember who it was.
  const seen = new Map<string, SessionsIdentity>();
  const note = () => {
    const identity = identityOf(client.getSnapshot());
    if (identity.sessionId !== null) seen.set(JSON.stringify(identity), identity);
  };
  note();
  const offSnapshot = client.subscribe(note);
  const offSignedOut = client.on('signed-out', () => {
    for (const identity of seen.values()) {
      const queryKey = sessionQueryKeys.sessionsOf(identity);
      void queryClient.cancelQueries({ queryKey });
      queryClient.removeQueries({ queryKey });
    }
    seen.clear();
  });
  return () => {
    offSnapshot();
    offSignedOut();
  };
}

function clientOptionsOf(props: SessionProviderProps<Profile>): SessionClientOptions {
  const { children: _children, queryClient: _queryClient, client: _client, ...options } = props;
  return options as SessionClientOptions;
}

/**
 * Provides a session client to the hooks and restores the session on mount with one
 * silent refresh. Give it a `client`, or client options (`baseUrl`, …) and it creates
 * and disposes its own, shared with providers of the same options and kept for a short
 * grace delay after the last one unmounts, so a quick remount reuses it. It uses the
 * app's QueryClient when one is provided above it, else a private one, without rendering
 * a `QueryClientProvider` into the app.
 *
 * @example
 * const client = createSessionClient({ baseUrl: 'https://app.example.com' })
 * createRoot(root).render(<SessionProvider client={client}><App /></SessionProvider>)
 */
export function SessionProvider<P extends Profile = Profile>(
  props: SessionProviderProps<P>,
): ReactNode {
  const appQueryClient = useContext(QueryClientContext);
  const ownQueryClient = useRef<QueryClient | null>(null);
  const queryClient = useMemo(
    () => props.queryClient ?? appQueryClient ?? (ownQueryClient.current ??= new QueryClient()),
    [props.queryClient, appQueryClient],
  );

  // Found or created during render, so the first render already has a client; nothing in
  // it touches a browser global until it is used. Providers of the same options share it,
  // so a quick remount finds the live client (and its token) instead of restoring again.
  const owned = useRef<OwnedClient | null>(null);
  if (!props.client)
    owned.current ??= createOwnedClient(clientOptionsOf(props as SessionProviderProps<Profile>));
  const client = (props.client as SessionClient<Profile> | undefined) ?? owned.current!.client;

  // Ref-counted by TanStack: subscribes the QueryClient to focus and online events.
  useEffect(() => {
    queryClient.mount();
    return () => queryClient.unmount();
  }, [queryClient]);

  // Reference-counted across providers; released, it is disposed after a grace delay.
  useEffect(() => {
    const own = owned.current;
    if (!own || own.client !== client) return;
    own.retain();
    return () => own.release();
  }, [client]);

  useEffect(() => restoreOnce(client), [client]);

  useEffect(() => dropSessionsOnSignOut(client, queryClient), [client, queryClient]);

  const value = useMemo<SessionContextValue>(
    () => ({ client, queryClient }),
    [client, queryClient],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}
