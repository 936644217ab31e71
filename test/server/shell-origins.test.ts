import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../../src/server';

const USER = { id: 'usr_ada', identifier: 'ada@example.com', password: 'correct horse' };

async function allowOriginFor(configured: string, sent: string) {
  const server = createSessionServer({
    users: [USER],
    rateLimit: false,
    refreshTokenTransport: 'header',
    allowedOrigins: [configured],
  });
  const preflight = await server.handle({
    method: 'OPTIONS',
    url: 'https://api.example.net/v1/session/refresh',
    headers: new Headers({ Origin: sent, 'Access-Control-Request-Method': 'POST' }),
  });
  return preflight.headers['Access-Control-Allow-Origin'];
}

describe('allowedOrigins of app shells', () => {
  it('compares an app-shell origin as browsers send it (the scheme is case-insensitive)', async () => {
    // An https origin is normalised ("HTTPS://App.example.com" matches what browsers send) ...
    expect(await allowOriginFor('HTTPS://App.example.com', 'https://app.example.com')).toBe(
      'https://app.example.com',
    );
    // ... but an app shell's is kept byte for byte: a browser always sends the scheme in
    // lower case, so "Capacitor://localhost" is accepted at start-up and never matches.
    expect(await allowOriginFor('Capacitor://localhost', 'capacitor://localhost')).toBe(
      'capacitor://localhost',
    );
  });
});
