import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../../src/server';
import { USER } from './helpers/device';

/**
 * Cross-site deployment: the browser sends `Origin` as the serialised origin (lower-case
 * scheme and host, no default port, no path, no trailing slash). An `allowedOrigins` entry
 * written any other way (copied from the address bar with its trailing slash, with a default
 * port, or capitalised) is kept verbatim and never matches: every cross-site answer then
 * lacks `Access-Control-Allow-Origin`, and the browser turns each of them (typed errors
 * included) into an opaque network error. The server already validates the option (it
 * refuses `*` and `null`) and normalises `publicOrigin`; a value that can never match must
 * either be normalised or refused at start-up, not accepted silently.
 */
describe('cross-site CORS: allowedOrigins as an app writes it', () => {
  const browserOrigin = 'https://app.example.com';

  it.each([
    ['with a trailing slash', 'https://app.example.com/'],
    ['with the default port', 'https://app.example.com:443'],
    ['capitalised', 'https://App.Example.com'],
  ])(
    'either refuses an allowedOrigins entry %s at start-up or lets its browser origin read the answer',
    async (_, configured) => {
      let server: ReturnType<typeof createSessionServer>;
      try {
        server = createSessionServer({
          users: [{ id: 'usr_ada', ...USER }],
          rateLimit: false,
          allowedOrigins: [configured],
        });
      } catch (error) {
        // Refused loudly, naming the option: the operator sees the mistake at once.
        expect(error).toBeInstanceOf(TypeError);
        expect(String((error as Error).message)).toContain('allowedOrigins');
        return;
      }
      const headers = new Headers({
        Origin: browserOrigin,
        'Access-Control-Request-Method': 'POST',
      });
      const preflight = await server.handle({
        method: 'OPTIONS',
        url: 'https://api.example.net/v1/session/refresh',
        headers,
      });
      // Without these the browser blocks the refresh before it is sent.
      expect(preflight.headers['Access-Control-Allow-Origin']).toBe(browserOrigin);
      expect(preflight.headers['Access-Control-Allow-Credentials']).toBe('true');
      const refused = await server.handle({
        method: 'POST',
        url: 'https://api.example.net/v1/session/refresh',
        headers: new Headers({ Origin: browserOrigin }),
      });
      expect(refused.status).toBe(400);
      // The typed error (missing_dpop_proof) reaches the app only with CORS headers.
      expect(refused.headers['Access-Control-Allow-Origin']).toBe(browserOrigin);
    },
  );
});
