import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../../src/server';
import { VerifierError } from '../../src/server/errors';
import { createMemoryStore } from '../../src/server/memoryStore';
import { createTokenIssuer } from '../../src/server/tokenIssuer';
import { verifyDpopRequest } from '../../src/server/verify';
import { USER } from './helpers/device';
import { createProofKey } from './helpers/dpop';
import { createClock } from './helpers/joseProofs';

const ISSUER = 'https://auth.example.com';
const API = 'https://api.example.com/orders/42';

describe('a JWKS outage', () => {
  it('verifyDpopRequest does not answer 401 invalid_token when the JWKS endpoint is down', async () => {
    const clock = createClock();
    const tokens = createTokenIssuer({
      store: createMemoryStore({ now: clock.now }),
      now: clock.now,
    });
    const device = await createProofKey();
    const { accessToken } = await tokens.issue({
      userId: 'usr_1',
      sessionId: 'ses_1',
      issuer: ISSUER,
      jkt: device.jkt,
    });
    const dpop = await device.sign({ htm: 'GET', htu: API, iat: clock.seconds(), accessToken });
    const down = createServer((_req, res) => void res.writeHead(503).end());
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = down.address() as AddressInfo;
      const error = await verifyDpopRequest(
        { method: 'GET', url: API, headers: { authorization: `DPoP ${accessToken}`, dpop } },
        {
          issuer: ISSUER,
          jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          now: clock.now,
        },
      ).then(
        () => 'accepted',
        (e: unknown) => e,
      );
      // Same outage as verifyAccessToken's test: not the credential's fault, so not a
      // VerifierError whose toResponse() is a 401 that sends every client refreshing.
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(VerifierError);
    } finally {
      await new Promise((resolve) => down.close(resolve));
    }
  });
});

describe('allowedOrigins of app shells', () => {
  it('still accepts the exact origin of a non-http app shell (capacitor://localhost)', async () => {
    // Capacitor/Ionic apps on iOS send `Origin: capacitor://localhost` (header mode is for
    // exactly these cross-site clients). Before df3eb5b the exact string was accepted; WHATWG
    // URL gives such schemes an opaque origin ("null"), so the new check refuses it.
    const origin = 'capacitor://localhost';
    const server = createSessionServer({
      users: [{ id: 'usr_ada', ...USER }],
      rateLimit: false,
      refreshTokenTransport: 'header',
      allowedOrigins: [origin],
    });
    const preflight = await server.handle({
      method: 'OPTIONS',
      url: 'https://api.example.net/v1/session/refresh',
      headers: new Headers({ Origin: origin, 'Access-Control-Request-Method': 'POST' }),
    });
    expect(preflight.headers['Access-Control-Allow-Origin']).toBe(origin);
  });
});
