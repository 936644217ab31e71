import { createSessionClient } from 'react-dpop-session/client';
import { networkLog } from './networkLog';

// `?clockOffset=<ms>` simulates a device whose clock is wrong (the reliability tests
// use it); the client must still sign proofs in server time.
const clockOffset =
  Number(new URLSearchParams(window.location.search).get('clockOffset') ?? 0) || 0;

/**
 * The demo's one session client. Its fetch is wrapped only to feed the network
 * panel; the session API lives on this same origin.
 */
export const sessionClient = createSessionClient({
  baseUrl: window.location.origin,
  fetch: networkLog.wrap(globalThis.fetch.bind(globalThis)),
  ...(clockOffset ? { now: () => Date.now() + clockOffset } : {}),
});

// Handy for poking around from the devtools console (and for the e2e tests).
(window as unknown as { sessionClient: typeof sessionClient }).sessionClient = sessionClient;
