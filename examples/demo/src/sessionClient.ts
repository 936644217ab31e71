import { createSessionClient } from 'react-dpop-session/client';
import { networkLog } from './networkLog';

/**
 * The demo's one session client. Its fetch is wrapped only to feed the network
 * panel; the session API lives on this same origin.
 */
export const sessionClient = createSessionClient({
  baseUrl: window.location.origin,
  fetch: networkLog.wrap(globalThis.fetch.bind(globalThis)),
});

// Handy for poking around from the devtools console (and for the e2e tests).
(window as unknown as { sessionClient: typeof sessionClient }).sessionClient = sessionClient;
