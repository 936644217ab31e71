import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyAccessToken, type RequestLogEntry } from '../../src/server';
import { createDevice, errorOf, refreshRequest } from './helpers/device';
import { createTestServer } from './helpers/server';

describe('admin', () => {
  it('revokes every live session of a user and says how many', async () => {
    const { server } = createTestServer();
    const a = await createDevice(server);
    await a.login();
    const b = await createDevice(server);
    await b.login();
    const bob = await createDevice(server);
    await bob.login('bob@example.com', 'hunter2');
    await b.logout();
    expect(await server.admin.revokeUserSessions('usr_ada')).toBe(1);
    expect(await errorOf(await a.list())).toMatchObject({
      code: 'unauthorized',
      reason: 'revoked',
    });
    expect((await bob.list()).status).toBe(200);
    expect(await server.admin.revokeUserSessions('usr_ada')).toBe(0);
  });

  it('lists a user sessions in wire shape and list order', async () => {
    const { server, clock } = createTestServer();
    const a = await createDevice(server);
    const { sessionId: first } = await a.login();
    clock.advance(5);
    const b = await createDevice(server);
    const { sessionId: second } = await b.login();
    const views = await server.admin.listUserSessions('usr_ada');
    expect(views.map((v) => v.id)).toEqual([second, first]);
    expect(views[0]).toEqual(
      ((await (await b.list()).json()) as { sessions: unknown[] }).sessions[0],
    );
    expect(await server.admin.isSessionActive(first)).toBe(true);
    await a.logout();
    expect(await server.admin.isSessionActive(first)).toBe(false);
  });

  it('rotates the signing key, keeping tokens of the old key valid', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const before = (await server.jwks()).keys.length;
    await server.admin.rotateSigningKey();
    expect((await server.jwks()).keys.length).toBe(before + 1);
    expect((await device.list()).status).toBe(200);
    await device.refresh();
    expect((await device.list()).status).toBe(200);
  });

  describe('rotateSigningKey and back ends that cache the JWKS', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('lets a back end that fetched the JWKS just before the rotation accept the tokens signed after it', async () => {
      const origin = 'https://auth.rotation.test';
      const { server, clock } = createTestServer({ publicOrigin: origin });
      const device = await createDevice(server, { origin });
      await device.login();
      vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
        server.fetch(new Request(input, init)),
      );
      const jwksUrl = `${origin}/.well-known/jwks.json`;
      const backEnd = { issuer: origin, jwksUrl, now: () => server.now() };
      await verifyAccessToken(device.accessToken!, backEnd); // fetches the JWKS and caches it
      const oldKid = decodeProtectedHeader(device.accessToken!).kid;

      await server.admin.rotateSigningKey();
      expect((await device.refresh()).status).toBe(200);
      await expect(verifyAccessToken(device.accessToken!, backEnd)).resolves.toMatchObject({
        sid: decodeJwt(device.accessToken!).sid,
      });

      // The cached copy may live for max-age=300; the JWKS served meanwhile holds the new key.
      const servedAfter = (await (await fetch(jwksUrl)).json()) as { keys: JsonWebKey[] };
      clock.advance(300);
      expect((await device.refresh()).status).toBe(200);
      expect(decodeProtectedHeader(device.accessToken!).kid).not.toBe(oldKid);
      await expect(
        verifyAccessToken(device.accessToken!, { ...backEnd, jwks: servedAfter }),
      ).resolves.toMatchObject({ sid: decodeJwt(device.accessToken!).sid });
    });
  });
});

describe('faults', () => {
  it('answers an injected 5xx before commit, leaving the refresh token unspent', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const token = device.refreshToken();
    server.faults.add({ path: '/refresh', status: 503, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const failed = await device.refresh();
      expect(failed.status).toBe(503);
      expect(await errorOf(failed)).toMatchObject({ code: 'internal', type: 'internal' });
    }
    expect(device.refreshToken()).toBe(token);
    expect((await device.refresh()).status).toBe(200);
  });

  it('answers an injected 429 with Retry-After', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    server.faults.add({ path: '/refresh', status: 429, retryAfterSeconds: 7 });
    const limited = await device.refresh();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await errorOf(limited)).code).toBe('rate_limited');
  });

  it('drops an answer after commit: the fetch adapter rejects with TypeError', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const entries: RequestLogEntry[] = [];
    server.onRequest((e) => entries.push(e));
    server.faults.add({ path: '/v1/session/refresh', dropResponse: true });
    const request = await refreshRequest(server, device);
    await expect(server.fetch(request)).rejects.toThrow(new TypeError('Failed to fetch'));
    // Committed: the token was rotated, so the jar's token is now in grace.
    expect(entries.at(-1)).toMatchObject({ status: 200, refreshToken: { state: 'current' } });
    expect((await device.refresh()).status).toBe(200);
    expect(entries.at(-1)!.refreshToken!.state).toBe('grace');
  });

  it('adds latency and then answers normally; clear() removes rules', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    server.faults.add({ path: '/refresh', latencyMs: 5 });
    expect((await device.refresh()).status).toBe(200);
    server.faults.add({ path: '/refresh', status: 500, times: 5 });
    server.faults.clear();
    expect((await device.refresh()).status).toBe(200);
  });

  it('hits only its path', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    server.faults.add({ path: '/refresh', status: 500 });
    expect((await device.list()).status).toBe(200);
    expect((await device.refresh()).status).toBe(500);
  });

  it('refuses a fault status that is not 5xx or 429', () => {
    const { server } = createTestServer();
    expect(() => server.faults.add({ status: 401 })).toThrow(RangeError);
  });
});

describe('request log', () => {
  it('records each refresh token presentation with its state', async () => {
    const { server, clock } = createTestServer();
    const device = await createDevice(server);
    const entries: RequestLogEntry[] = [];
    const stop = server.onRequest((e) => entries.push(e));
    await device.login();
    const old = device.refreshToken()!;
    await device.refresh();
    clock.advance(60);
    await device.refresh({ headers: { 'X-Refresh-Token': old } });
    await device.refresh({ headers: { 'X-Refresh-Token': 'nope' } });
    await device.refresh({ proof: false });
    stop();
    await device.refresh();
    expect(entries.map((e) => [e.path, e.status, e.refreshToken?.state])).toEqual([
      ['/v1/session/login/email/password', 200, undefined],
      ['/v1/session/login/finalize', 200, 'none'],
      ['/v1/session/refresh', 200, 'current'],
      ['/v1/session/refresh', 401, 'rotated'],
      ['/v1/session/refresh', 401, 'unknown'],
      ['/v1/session/refresh', 400, 'none'],
    ]);
    expect(entries[2]!.refreshToken!.sessionId).toMatch(/^ses_/);
    expect(entries[2]!.at).toBe(server.now() - 60_000);
  });
});
