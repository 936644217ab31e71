import { describe, expect, it } from 'vitest';
import { createBrowserBridge } from '../../src/server';
import { createDevice, errorOf } from './helpers/device';
import { createTestServer } from './helpers/server';

/** A test server whose requests' Cookie headers are recorded in `seen`, through `spy`. */
function cookieSpy() {
  const { server } = createTestServer();
  const seen: Array<string | null> = [];
  const spy = {
    ...server,
    handle: async (req: Parameters<typeof server.handle>[0]) => (
      seen.push(req.headers.get('cookie')),
      server.handle(req)
    ),
  };
  return { server, seen, spy };
}

describe('createBrowserBridge', () => {
  it('keeps one cookie jar per device', async () => {
    const { server } = createTestServer();
    const a = await createDevice(server);
    const b = await createDevice(server);
    await a.login();
    expect(a.bridge.cookies()).toHaveLength(1);
    expect(b.bridge.cookies()).toEqual([]);
    await b.login();
    expect(a.refreshToken()).not.toBe(b.refreshToken());
  });

  it('sends cookies only under their Path', async () => {
    const { seen, spy } = cookieSpy();
    const device = await createDevice(spy);
    await device.login();
    seen.length = 0;
    await device.bridge.fetch('http://localhost/.well-known/jwks.json');
    await device.bridge.fetch('http://localhost/v1/sessionx');
    await device.bridge.fetch('http://localhost/v1/session/refresh', { method: 'POST' });
    expect(seen[0]).toBeNull();
    expect(seen[1]).toBeNull();
    expect(seen[2]).toMatch(/^refresh_token=/);
  });

  it('neither keeps nor sends a Secure cookie over plain http off localhost, as a browser', async () => {
    const { seen, spy } = cookieSpy();
    const device = await createDevice(spy, { origin: 'http://app.example.test' });
    await device.login();
    expect(device.bridge.cookies()).toEqual([]);

    // A Secure cookie set over https is kept, and goes only to https or localhost.
    const secure = await createDevice(spy, { origin: 'https://app.example.test' });
    await secure.login();
    expect(secure.bridge.cookies()).toMatchObject([{ name: 'refresh_token', secure: true }]);
    seen.length = 0;
    for (const origin of [
      'http://app.example.test',
      'https://app.example.test',
      'http://localhost',
      'http://127.0.0.1',
      'http://[::1]',
    ]) {
      await secure.bridge.fetch(`${origin}/v1/session/refresh`, { method: 'POST' });
    }
    expect(seen.map((cookie) => cookie?.startsWith('refresh_token=') ?? false)).toEqual([
      false,
      true,
      true,
      true,
      true,
    ]);
  });

  it('keeps a Secure cookie on plain-http localhost, as browsers do', async () => {
    const { server } = createTestServer({ cookieSecure: true });
    const device = await createDevice(server);
    await device.login();
    expect(device.bridge.cookies()).toMatchObject([{ name: 'refresh_token', secure: true }]);
    expect((await device.refresh()).status).toBe(200);
  });

  it('expires cookies at Max-Age by the server clock', async () => {
    const { server, clock } = createTestServer({ sessionLifetimeSeconds: 100 });
    const device = await createDevice(server);
    await device.login();
    clock.advance(99);
    expect(device.bridge.cookies()).toHaveLength(1);
    clock.advance(1);
    expect(device.bridge.cookies()).toEqual([]);
  });

  it('sends its User-Agent and extra headers', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, {
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      headers: { 'cf-ipcountry': 'JP' },
    });
    await device.login();
    const [view] = await server.admin.listUserSessions('usr_ada');
    expect(view).toMatchObject({
      device_model: 'iPhone',
      device_type: 'mobile',
      country_code: 'JP',
      browser_name: 'Safari',
    });
  });

  it('reads string, URLSearchParams, Blob, ArrayBuffer and Request bodies', async () => {
    const { server } = createTestServer();
    const bridge = createBrowserBridge(server);
    const url = 'http://localhost/v1/session/login/email/password';
    const json = JSON.stringify({ identifier: 'ada@example.com', password: 'correct horse' });
    const headers = { 'Content-Type': 'application/json' };
    expect((await bridge.fetch(url, { method: 'POST', body: json, headers })).status).toBe(200);
    expect(
      (
        await bridge.fetch(url, {
          method: 'POST',
          body: new Blob([json], { type: 'application/json' }),
        })
      ).status,
    ).toBe(200);
    expect(
      (await bridge.fetch(url, { method: 'POST', body: new TextEncoder().encode(json).buffer }))
        .status,
    ).toBe(200);
    expect(
      (await bridge.fetch(new Request(url, { method: 'POST', body: json, headers }))).status,
    ).toBe(200);
    // As with fetch, a string body without a content type goes as text/plain: refused.
    const plain = await bridge.fetch(url, { method: 'POST', body: json });
    expect((await errorOf(plain)).code).toBe('bad_request');
    // URLSearchParams carries a form content type, which the JSON endpoints refuse.
    const form = await bridge.fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ identifier: 'x' }),
    });
    expect((await errorOf(form)).code).toBe('bad_request');
  });

  it('rejects with TypeError for a dropped answer and keeps the old cookie', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const token = device.refreshToken();
    server.faults.add({ path: '/refresh', dropResponse: true });
    await expect(device.refresh()).rejects.toThrow(new TypeError('Failed to fetch'));
    expect(device.refreshToken()).toBe(token);
  });

  it('rejects at once for an aborted signal', async () => {
    const { server } = createTestServer();
    const bridge = createBrowserBridge(server);
    const controller = new AbortController();
    controller.abort();
    await expect(
      bridge.fetch('http://localhost/.well-known/jwks.json', { signal: controller.signal }),
    ).rejects.toThrow();
  });

  it('forgets every cookie on clearCookies', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    device.bridge.clearCookies();
    expect((await device.refresh()).status).toBe(401);
  });
});
