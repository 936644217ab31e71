import type { Profile, SessionClient } from '../client/types';

const SCOPES_KEY = Symbol.for('react-dpop-session.clientScopes');

interface Scopes {
  ids: WeakMap<object, string>;
  last: number;
}

type ScopesHolder = { [SCOPES_KEY]?: Scopes };

/**
 * A stable name of `client` for mutation keys, so providers of different clients on one
 * QueryClient keep their mutations apart. It lasts as long as the client, across sign-out
 * and sign-in. Kept on globalThis, as the context is, so that every copy of the package
 * (ESM and CJS builds) names a client alike.
 */
export function clientScope(client: SessionClient<Profile>): string {
  const scopes = ((globalThis as ScopesHolder)[SCOPES_KEY] ??= { ids: new WeakMap(), last: 0 });
  let id = scopes.ids.get(client);
  if (id === undefined) scopes.ids.set(client, (id = `client-${(scopes.last += 1)}`));
  return id;
}
