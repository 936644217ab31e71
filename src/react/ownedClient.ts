import { createSessionClient } from '../client/sessionClient';
import type { Profile, SessionClient, SessionClientOptions } from '../client/types';

/** A client `<SessionProvider>` created itself, with a lifetime tied to its mounts. */
export interface OwnedClient {
  /** Stable for the provider's life; forwards to the live client. */
  client: SessionClient<Profile>;
  /** The provider is mounted (again): keep the live client. */
  retain(): void;
  /** The provider's effects were torn down: dispose the live client unless it is retained soon. */
  release(): void;
}

const noop = (): void => {};

/**
 * Wraps the client a provider creates from options. React tears effects down and
 * sets them up again without unmounting (StrictMode, Fast Refresh, a hidden
 * `<Activity>`), and a hidden subtree keeps its state but not its effects. So
 * `release` disposes only after a remount failed to `retain` in time, and a facade
 * that outlives its client creates a fresh one on next use (restored on `retain`),
 * instead of handing a disposed client to components that come back.
 */
export function createOwnedClient(options: SessionClientOptions): OwnedClient {
  let live: SessionClient<Profile> | null = null;
  let restoreOnRetain = false;
  let disposeTimer: ReturnType<typeof setTimeout> | undefined;

  const current = (): SessionClient<Profile> => {
    if (live) return live;
    // Construction touches no browser global; the client starts on first subscription.
    live = createSessionClient<Profile>(options);
    return live;
  };

  const client = new Proxy({} as SessionClient<Profile>, {
    get: (_target, property) => current()[property as keyof SessionClient<Profile>],
  });

  return {
    client,
    retain() {
      clearTimeout(disposeTimer);
      disposeTimer = undefined;
      if (!restoreOnRetain) return;
      // Back after its client was disposed: the fresh client restores the session itself,
      // as the provider did for the first one.
      restoreOnRetain = false;
      const fresh = current();
      if (fresh.getSnapshot().status === 'loading') fresh.refresh().catch(noop);
    },
    release() {
      clearTimeout(disposeTimer);
      disposeTimer = setTimeout(() => {
        const ending = live;
        live = null;
        restoreOnRetain = true;
        ending?.dispose().catch(noop);
      }, 0);
    },
  };
}
