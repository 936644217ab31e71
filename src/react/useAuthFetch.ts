import { useCallback } from 'react';
import { useSessionContext } from './sessionContext';

/**
 * The client's authenticated `fetch`: a DPoP proof (and the access token) on requests
 * to authorized origins, a nonce retry, and one refresh-and-replay on 401. Stable
 * across renders, so it is safe in effect dependencies.
 *
 * @example
 * const authFetch = useAuthFetch()
 * useEffect(() => { void authFetch('/api/orders').then((r) => r.json()).then(setOrders) }, [authFetch])
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function useAuthFetch(): (
  input: RequestInfo | URL,
  init?: RequestInit,
) => Promise<Response> {
  const { client } = useSessionContext('useAuthFetch');
  return useCallback((input, init) => client.fetch(input, init), [client]);
}
