import { createSessionClient } from '../client/sessionClient';
import type { Profile, SessionClient, SessionClientOptions } from '../client/types';
import { ownedClientKey } from './ownedClientKey';

/** One provider's hold on a client `<SessionProvider>` created from options. */
export interface OwnedClient {
  /** Stable for the provider's life and shared by equal options; forwards to the live client. */
  client: SessionClient<Profile>;
  /** The provider is mounted (again): keep the live client. */
  retain(): void;
  /** The provider's effects were torn down: dispose the client unless an owner comes back soon. */
  release(): void;
}

/** How long a client nobody holds stays alive for a provider that mounts again. */
export const OWNED_CLIENT_GRACE_MS = 200;

const noop = (): void => {};

/** A client shared by the providers of one option set, reference-counted by their mounts. */
interface SharedClient {
  key: string | undefined;
  options: SessionClientOptions;
  facade: SessionClient<Profile>;
  live: SessionClient<Profile> | null;
  owners: number;
  /** Its client was disposed after being owned: the next owner restores the fresh one. */
  restoreOnRetain: boolean;
  disposeTimer: ReturnType<typeof setTimeout> | undefined;
}

// Only owned clients and clients in their grace delay are listed, and only effects list
// them, so server rendering (which runs no effect) shares nothing between requests.
const sharedClients = new Map<string, SharedClient>();

function scheduleDispose(shared: SharedClient): void {
  clearTimeout(shared.disposeTimer);
  shared.disposeTimer = setTimeout(() => {
    shared.disposeTimer = undefined;
    if (shared.owners > 0) return;
    if (shared.key !== undefined && sharedClients.get(shared.key) === shared)
      sharedClients.delete(shared.key);
    const ending = shared.live;
    shared.live = null;
    shared.restoreOnRetain = true;
    ending?.dispose().catch(noop);
  }, OWNED_CLIENT_GRACE_MS);
}

function current(shared: SharedClient): SessionClient<Profile> {
  if (shared.live) return shared.live;
  // Construction touches no browser global; the client starts on first subscription.
  shared.live = createSessionClient<Profile>(shared.options);
  // Used while nobody holds it (a first render, a hidden `<Activity>` rendering): unless an
  // owner claims it, it is disposed after the grace delay. A render that never commits (it
  // suspended before the provider mounted) leaves no running client behind.
  if (shared.owners === 0) scheduleDispose(shared);
  return shared.live;
}

function createSharedClient(key: string | undefined, options: SessionClientOptions): SharedClient {
  const shared: SharedClient = {
    key,
    options,
    facade: new Proxy({} as SessionClient<Profile>, {
      get: (_target, property) => current(shared)[property as keyof SessionClient<Profile>],
    }),
    live: null,
    owners: 0,
    restoreOnRetain: false,
    disposeTimer: undefined,
  };
  return shared;
}

function acquire(shared: SharedClient): void {
  clearTimeout(shared.disposeTimer);
  shared.disposeTimer = undefined;
  shared.owners += 1;
  // A client another provider listed first stays that provider's; this one is not shared.
  if (shared.key !== undefined && !sharedClients.has(shared.key))
    sharedClients.set(shared.key, shared);
  if (!shared.restoreOnRetain) return;
  // Back after its client was disposed: the fresh client restores the session itself,
  // as the provider did for the first one.
  shared.restoreOnRetain = false;
  const fresh = current(shared);
  if (fresh.getSnapshot().status === 'loading') fresh.refresh().catch(noop);
}

function releaseOwner(shared: SharedClient): void {
  shared.owners -= 1;
  if (shared.owners === 0) scheduleDispose(shared);
}

/**
 * Gives a provider the client for its options: the live one of a provider of the same
 * options that is mounted or unmounted less than `OWNED_CLIENT_GRACE_MS` ago, else a new
 * one. React tears effects down and sets them up again without unmounting (StrictMode,
 * Fast Refresh, a hidden `<Activity>`), and remounts a provider as a new instance (a
 * remounted parent, a hot reload), so a client is disposed only once no provider has
 * held it for the grace delay; a quick remount reuses it with its token, instead of
 * restoring the session again. A facade that outlives its client creates a fresh one on
 * next use (restored on `retain`), instead of handing a disposed client to components
 * that come back.
 */
export function createOwnedClient(options: SessionClientOptions): OwnedClient {
  const key = ownedClientKey(options);
  // Looked up, not claimed: a render that never commits must leave no trace.
  const shared =
    (key !== undefined ? sharedClients.get(key) : undefined) ?? createSharedClient(key, options);
  let holding = false;
  return {
    client: shared.facade,
    retain() {
      if (holding) return;
      holding = true;
      acquire(shared);
    },
    release() {
      if (!holding) return;
      holding = false;
      releaseOwner(shared);
    },
  };
}
