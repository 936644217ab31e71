import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createSessionServer,
  toNodeListener,
  verifyDpopRequest,
  VerifierError,
  type SessionServer,
  type SessionServerOptions,
} from '../../../src/server';
import { addDevice } from '../../../src/testing';

/** The demo account, shown pre-filled on the sign-in page and in the README. */
export const DEMO_USER = {
  id: 'usr_demo',
  identifier: 'demo@example.com',
  password: 'demo',
  profile: { name: 'Dana Demo', email: 'demo@example.com', plan: 'Pro' },
};

/** The "other devices" seeded at start, so the sessions table has something to show. */
export const SEEDED_DEVICES = [
  {
    minutesAgo: 20,
    country: 'FR',
    userAgent:
      'Mozilla/5.0 (Linux; Android 16; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
    device: {
      model: 'Pixel 9',
      platform: 'Android',
      platformVersion: '16',
      browser: 'Chrome',
      browserVersion: '156',
      mobile: true,
    },
  },
  {
    minutesAgo: 5 * 60,
    country: 'JP',
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    device: {
      model: 'iPad',
      platform: 'iPadOS',
      platformVersion: '18.1',
      browser: 'Safari',
      browserVersion: '18.1',
      mobile: false,
    },
  },
  {
    minutesAgo: 3 * 24 * 60,
    country: 'BR',
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0',
    device: {
      model: '',
      platform: 'Windows',
      platformVersion: '11',
      browser: 'Edge',
      browserVersion: '156',
      mobile: false,
    },
  },
] as const;

export interface DemoBackend {
  server: SessionServer;
  /** node:http / connect middleware: the session API, the JWKS and the demo API. */
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
}

/**
 * The demo's back end: the reference session server plus a protected API that
 * checks DPoP-bound access tokens with `verifyDpopRequest`, as an app's own
 * back end would.
 */
export async function createDemoBackend(
  options: Partial<SessionServerOptions> & { seed?: boolean } = {},
): Promise<DemoBackend> {
  const { seed = true, ...serverOptions } = options;
  // The seeded devices sign in "in the past" through the server's injectable clock, so
  // the table shows realistic times; the clock is back to real time before any visitor.
  let clockOffsetMs = 0;
  const server = createSessionServer({
    users: [DEMO_USER],
    // Short-lived access tokens make refreshes visible in the network panel.
    accessTokenTtlSeconds: 60,
    now: () => Date.now() + clockOffsetMs,
    ...serverOptions,
  });
  if (seed) {
    for (const { minutesAgo, ...device } of SEEDED_DEVICES) {
      clockOffsetMs = serverOptions.now ? 0 : -minutesAgo * 60_000;
      await addDevice(server, {
        identifier: DEMO_USER.identifier,
        password: DEMO_USER.password,
        ...device,
      });
    }
    clockOffsetMs = 0;
  }
  const sessionApi = toNodeListener(server);

  async function whoami(req: IncomingMessage, res: ServerResponse) {
    const origin = `http://${req.headers.host ?? 'localhost'}`;
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    try {
      const claims = await verifyDpopRequest(
        { method: req.method ?? 'GET', url: new URL(req.url ?? '/', origin).href, headers },
        {
          jwks: await server.jwks(),
          issuer: origin,
          // Revocation is immediate here too, not only on the session API.
          isSessionActive: (sid) => server.admin.isSessionActive(sid),
        },
      );
      sendJson(res, 200, {
        message: `Hello ${String(claims.name ?? claims.sub)}: your request carried a valid DPoP proof.`,
        checked: [
          'signature (JWKS)',
          'issuer',
          'expiry',
          'cnf.jkt binding',
          'ath',
          'htm/htu',
          'proof freshness and replay',
          'session still active',
        ],
        claims,
      });
    } catch (error) {
      if (error instanceof VerifierError) {
        res.setHeader('WWW-Authenticate', error.wwwAuthenticate);
        sendJson(res, error.status, {
          code: error.code,
          message: error.message,
          type: 'unauthorized',
        });
        return;
      }
      sendJson(res, 500, { code: 'internal', message: 'Unexpected error', type: 'internal' });
    }
  }

  async function addDemoDevice(res: ServerResponse) {
    const { minutesAgo: _, ...pick } =
      SEEDED_DEVICES[Math.floor(Math.random() * SEEDED_DEVICES.length)]!;
    const { sessionId } = await addDevice(server, {
      identifier: DEMO_USER.identifier,
      password: DEMO_USER.password,
      ...pick,
      country: ['DE', 'CA', 'IN', 'AU', 'KE'][Math.floor(Math.random() * 5)]!,
    });
    sendJson(res, 201, { sessionId });
  }

  return {
    server,
    handle(req, res, next) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      // A failure answers 500 rather than end the demo's process (an unhandled rejection).
      const failed = () => {
        if (res.headersSent) res.end();
        else sendJson(res, 500, { error: 'internal' });
      };
      if (path === '/api/whoami' && req.method === 'GET')
        return void whoami(req, res).catch(failed);
      if (path === '/api/demo/devices' && req.method === 'POST')
        return void addDemoDevice(res).catch(failed);
      sessionApi(req, res, next);
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
