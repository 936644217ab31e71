import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as http2Connect, createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, toNodeListener, type SessionStore } from '../../src/server';
import { BASE, createClock, createDevice, errorOf } from './helpers/device';
import { createTestServer } from './helpers/server';

type Closable = { close(callback: () => void): void; closeAllConnections?: () => void };
const servers: Closable[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.close(() => r());
          // A hung answer keeps its connection open; end it so the server can close.
          s.closeAllConnections?.();
        }),
    ),
  );
});

/** Settles with the promise's value, or with `'no answer'` when it has not settled in time. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'no answer'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<'no answer'>((resolve) => {
      timer = setTimeout(() => resolve('no answer'), ms);
    }),
  ]);
}

describe('grace window judged at the request time', () => {
  it('answers a lost-response retry that arrived inside the grace window, even when the store read happens a moment later', async () => {
    // A store whose reads take a little time, as any external store's do: reading the sealed
    // grace copy lets 200 ms of server time pass.
    const clock = createClock();
    const memory = createMemoryStore({ now: clock.now });
    const slowStore: SessionStore = {
      ...memory,
      async get<T>(key: string) {
        if (key.startsWith('grace:')) clock.advance(0.2);
        return memory.get<T>(key);
      },
    };
    const { server } = createTestServer({
      now: clock.now,
      store: slowStore,
      refreshTokenTransport: 'both',
    });
    const device = await createDevice(server);
    await device.login();
    const old = device.refreshToken()!;
    const first = await device.refresh();
    expect(first.status).toBe(200);
    const successor = first.headers.get('x-refresh-token');

    // The answer was lost; the retry arrives 29.9 s after the rotation, inside the 30 s window.
    clock.advance(29.9);
    const retry = await device.refresh({ headers: { 'X-Refresh-Token': old } });
    expect(retry.status === 200 ? 'ok' : (await errorOf(retry.clone())).code).toBe('ok');
    expect(retry.headers.get('x-refresh-token')).toBe(successor);
    // Above all, the user's session must survive its own retry.
    expect((await device.list()).status).toBe(200);
  });
});

describe('toNodeListener behind middleware', () => {
  async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    const server: Server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers the password step when a body parser has already read the request body', async () => {
    const { server } = createTestServer();
    const listener = toNodeListener(server);
    // express.json()/body-parser style: the body is consumed and left on req.body, then next().
    const origin = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        (req as IncomingMessage & { body?: unknown }).body = JSON.parse(
          Buffer.concat(chunks).toString('utf8'),
        );
        listener(req, res, (error) => {
          res.statusCode = error ? 500 : 404;
          res.end();
        });
      });
    });
    const answer = fetch(`${origin}${BASE}/login/email/password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ identifier: 'ada@example.com', password: 'correct horse' }),
    })
      .then((r) => r.status)
      .catch(() => 'connection closed');
    // A hang, not a slow answer: the adapter waits for an 'end' event that already fired.
    expect(await within(answer, 3000)).toBe(200);
  });
});

describe('toNodeListener over HTTP/2', () => {
  it('refreshes over HTTP/2, where the host arrives as :authority rather than Host', async () => {
    const { server } = createTestServer();
    const h2 = createHttp2Server(toNodeListener(server) as never);
    servers.push(h2);
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(h2.address() as AddressInfo).port}`;
    const device = await createDevice(server, { origin });
    await device.login();
    const htu = `${origin}${BASE}/refresh`;
    const proof = await device.key.sign({ htm: 'POST', htu, iat: Math.floor(server.now() / 1000) });

    const client = http2Connect(origin);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = client.request({
        ':method': 'POST',
        ':path': `${BASE}/refresh`,
        cookie: `refresh_token=${device.refreshToken()}`,
        dpop: proof,
      });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
      stream.end();
    });
    client.close();
    expect(answer.body).not.toContain('invalid_dpop_proof');
    expect(answer.status).toBe(200);
  });
});

describe('server.fetch body limit', () => {
  it('refuses a body that keeps streaming past 64 KiB instead of buffering it without end', async () => {
    const { server } = createTestServer();
    const chunk = new Uint8Array(16 * 1024).fill(0x20);
    let pulled = 0;
    // A client that sends 70 KiB and then keeps the body open (or sends forever).
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 5) return new Promise<void>(() => {});
        pulled += 1;
        controller.enqueue(chunk);
        return undefined;
      },
    });
    const request = new Request(`http://localhost${BASE}/login/email/password`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    const answer = server.fetch(request, { remoteAddress: '192.0.2.1' }).then(async (r) => ({
      status: r.status,
      code: r.status >= 400 ? (await errorOf(r)).code : undefined,
    }));
    expect(await within(answer, 3000)).toEqual({ status: 400, code: 'bad_request' });
  });
});

describe('refresh cookie attributes', () => {
  it('keeps Secure on a SameSite=None refresh cookie on plain-http localhost, where browsers otherwise reject it', async () => {
    // A cross-site setup in development (app on http://localhost:5173, API on
    // http://127.0.0.1:3000) needs SameSite=None; browsers refuse SameSite=None without
    // Secure, and they accept Secure cookies from localhost over plain http.
    const { server } = createTestServer({ cookieSameSite: 'None' });
    const device = await createDevice(server, { origin: 'http://127.0.0.1' });
    await device.login();
    const request = new Request(`http://127.0.0.1${BASE}/refresh`, {
      method: 'POST',
      headers: {
        Cookie: `refresh_token=${device.refreshToken()}`,
        DPoP: await device.key.sign({
          htm: 'POST',
          htu: `http://127.0.0.1${BASE}/refresh`,
          iat: Math.floor(server.now() / 1000),
        }),
      },
    });
    const response = await server.fetch(request, { remoteAddress: '192.0.2.1' });
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie()[0]!;
    expect(setCookie).toContain('SameSite=None');
    expect(setCookie.split('; ')).toContain('Secure');
  });
});
