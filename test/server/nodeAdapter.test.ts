import { request as httpRequest, createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toNodeListener } from '../../src/server';
import { createDevice } from './helpers/device';
import { createTestServer } from './helpers/server';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw request, so repeated headers reach the server as sent. */
function raw(
  url: string,
  options: { method?: string; headers?: Array<[string, string]>; body?: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const [name, value] of options.headers ?? []) {
      const previous = req.getHeader(name);
      req.setHeader(
        name,
        previous === undefined ? value : [...([] as string[]).concat(previous as string), value],
      );
    }
    req.end(options.body);
  });
}

describe('toNodeListener', () => {
  it('serves the whole flow over node:http, with several Set-Cookie headers kept apart', async () => {
    const { server } = createTestServer();
    const origin = await listen(toNodeListener(server));
    const device = await createDevice(server, { origin });
    const step = await raw(`${origin}/v1/session/login/email/password`, {
      method: 'POST',
      body: JSON.stringify({ identifier: 'ada@example.com', password: 'correct horse' }),
    });
    expect(step.status).toBe(200);
    const { challenge_token } = JSON.parse(step.body) as { challenge_token: string };
    const htu = `${origin}/v1/session/login/finalize`;
    const finalize = await raw(htu, {
      method: 'POST',
      headers: [
        ['DPoP', await device.key.sign({ htm: 'POST', htu, iat: Math.floor(server.now() / 1000) })],
        ['Content-Type', 'application/json'],
      ],
      body: JSON.stringify({ challenge_token }),
    });
    expect(finalize.status).toBe(200);
    const cookies = finalize.headers['set-cookie'] as string[];
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(
      /^refresh_token=[^;]+; Path=\/v1\/session; Max-Age=\d+; HttpOnly; SameSite=Strict$/,
    );
    expect(finalize.headers.date).toBeTruthy();
    expect(finalize.headers['cache-control']).toBe('no-store');

    const refreshHtu = `${origin}/v1/session/refresh`;
    const refreshed = await raw(refreshHtu, {
      method: 'POST',
      headers: [
        ['Cookie', cookies[0]!.split(';')[0]!],
        [
          'DPoP',
          await device.key.sign({
            htm: 'POST',
            htu: refreshHtu,
            iat: Math.floor(server.now() / 1000),
          }),
        ],
      ],
    });
    expect(refreshed.status).toBe(200);
  });

  it('reads a refresh cookie sent among several Cookie header lines', async () => {
    const { server } = createTestServer();
    const origin = await listen(toNodeListener(server));
    const device = await createDevice(server, { origin });
    await device.login();
    const htu = `${origin}/v1/session/refresh`;
    const proof = await device.key.sign({ htm: 'POST', htu, iat: Math.floor(server.now() / 1000) });
    // Two Cookie lines, as an HTTP/2 hop or a hand-written client may send: a raw socket,
    // since node:http's own client folds them into one. (Node's Headers joins cookies with "; ".)
    const { port } = new URL(origin);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          [
            'POST /v1/session/refresh HTTP/1.1',
            `Host: 127.0.0.1:${port}`,
            'Cookie: theme=dark',
            `Cookie: refresh_token=${device.refreshToken()}`,
            `DPoP: ${proof}`,
            'Content-Length: 0',
            'Connection: close',
            '',
            '',
          ].join('\r\n'),
        ),
      );
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  it('sees several Authorization headers through rawHeaders and refuses them', async () => {
    const { server } = createTestServer();
    const origin = await listen(toNodeListener(server));
    const device = await createDevice(server, { origin });
    await device.login();
    const htu = `${origin}/v1/session/me/list`;
    const proof = () =>
      device.key.sign({
        htm: 'GET',
        htu,
        iat: Math.floor(server.now() / 1000),
        accessToken: device.accessToken!,
      });
    const single = await raw(htu, {
      headers: [
        ['Authorization', `DPoP ${device.accessToken}`],
        ['DPoP', await proof()],
      ],
    });
    expect(single.status).toBe(200);
    const doubled = await raw(htu, {
      headers: [
        ['Authorization', `DPoP ${device.accessToken}`],
        ['Authorization', 'DPoP other'],
        ['DPoP', await proof()],
      ],
    });
    expect(doubled.status).toBe(401);
    expect(JSON.parse(doubled.body).code).toBe('unauthorized');
  });

  it('uses originalUrl under a mount and passes other paths to next', async () => {
    const { server } = createTestServer();
    const listener = toNodeListener(server);
    const origin = await listen((req, res) => {
      // A connect-style mount at /v1: the app strips the prefix from req.url.
      const mounted = req as typeof req & { originalUrl?: string };
      mounted.originalUrl = req.url;
      if (req.url?.startsWith('/v1/')) req.url = req.url.slice(3);
      listener(req, res, () => {
        res.statusCode = 299;
        res.end('next');
      });
    });
    const jwks = await raw(`${origin}/.well-known/jwks.json`, {});
    expect(jwks.status).toBe(200);
    expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    const revoke = await raw(`${origin}/v1/session/revoke`, { method: 'POST' });
    expect(JSON.parse(revoke.body).code).toBe('missing_dpop_proof');
    const app = await raw(`${origin}/app/page`, {});
    expect(app.status).toBe(299);
  });

  it('destroys the socket for a dropped answer', async () => {
    const { server } = createTestServer();
    const origin = await listen(toNodeListener(server));
    server.faults.add({ path: '/.well-known/jwks.json', dropResponse: true });
    await expect(raw(`${origin}/.well-known/jwks.json`, {})).rejects.toThrow();
    expect((await raw(`${origin}/.well-known/jwks.json`, {})).status).toBe(200);
  });

  it('refuses an oversized body with 400', async () => {
    const { server } = createTestServer();
    const origin = await listen(toNodeListener(server));
    const response = await raw(`${origin}/v1/session/login/email/password`, {
      method: 'POST',
      body: JSON.stringify({ identifier: 'ada@example.com', password: 'x'.repeat(200_000) }),
    });
    expect(response.status).toBe(400);
  });

  it('counts rate limits per socket address', async () => {
    const { server } = createTestServer({ rateLimit: { address: { max: 1 } } });
    const origin = await listen(toNodeListener(server));
    expect((await raw(`${origin}/.well-known/jwks.json`, {})).status).toBe(200);
    expect((await raw(`${origin}/.well-known/jwks.json`, {})).status).toBe(429);
  });
});
