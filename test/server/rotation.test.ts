import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/server';
import { createDevice, errorOf } from './helpers/device';
import { createProofKey } from './helpers/dpop';
import { createTestServer } from './helpers/server';

function refreshLog(server: { onRequest(l: (e: RequestLogEntry) => void): () => void }) {
  const entries: RequestLogEntry[] = [];
  server.onRequest((entry) => {
    if (entry.path.endsWith('/refresh')) entries.push(entry);
  });
  return entries;
}

describe('refresh token rotation', () => {
  it('spends each refresh token once and answers with its successor', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const seen = new Set([device.refreshToken()]);
    for (let i = 0; i < 5; i += 1) {
      expect((await device.refresh()).status).toBe(200);
      seen.add(device.refreshToken());
    }
    expect(seen.size).toBe(6);
  });

  it('rotates exactly once for parallel refreshes with one token, all answered with the same successor', async () => {
    const { server } = createTestServer({ refreshTokenTransport: 'both' });
    const device = await createDevice(server);
    await device.login();
    const log = refreshLog(server);
    const token = device.refreshToken()!;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => device.refresh({ headers: { 'X-Refresh-Token': token } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    const successors = new Set(responses.map((r) => r.headers.get('x-refresh-token')));
    expect(successors.size).toBe(1);
    expect(successors.has(token)).toBe(false);
    expect(successors.has(device.refreshToken()!)).toBe(true);
    expect(log.filter((e) => e.refreshToken?.state === 'current')).toHaveLength(1);
    expect(log.filter((e) => e.refreshToken?.state === 'grace')).toHaveLength(7);
  });

  it('treats parallel refreshes as reuse when grace is off: one rotation, the session revoked', async () => {
    const { server } = createTestServer({ reuseGraceSeconds: 0 });
    const device = await createDevice(server);
    await device.login();
    const token = device.refreshToken()!;
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => device.refresh({ headers: { 'X-Refresh-Token': token } })),
    );
    const codes = await Promise.all(
      responses.map(async (r) => (r.status === 200 ? 'ok' : (await errorOf(r)).code)),
    );
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    // The first reuse revokes the session; later ones find it revoked.
    expect(codes).toContain('token_reused');
    expect(codes.every((c) => ['ok', 'token_reused', 'unauthorized'].includes(c))).toBe(true);
    expect((await device.list()).status).toBe(401);
  });

  it('revokes the whole session when a rotated token is presented outside grace', async () => {
    const { server, clock } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const old = device.refreshToken()!;
    await device.refresh();
    const successor = device.refreshToken()!;
    clock.advance(30);
    const reused = await device.refresh({ headers: { 'X-Refresh-Token': old } });
    expect(reused.status).toBe(401);
    expect(await errorOf(reused)).toMatchObject({ code: 'token_reused', type: 'unauthorized' });
    expect(device.refreshToken()).toBeUndefined();
    const current = await device.refresh({ headers: { 'X-Refresh-Token': successor } });
    expect(await errorOf(current)).toMatchObject({ code: 'unauthorized', reason: 'reused' });
    expect((await device.list()).status).toBe(401);
  });

  it('treats a rotated token with a foreign key as reuse, even inside grace', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login();
    const old = device.refreshToken()!;
    await device.refresh();
    const successor = device.refreshToken()!;
    const thief = await device.refresh({
      headers: { 'X-Refresh-Token': old },
      key: await createProofKey(),
    });
    expect((await errorOf(thief)).code).toBe('token_reused');
    const owner = await device.refresh({ headers: { 'X-Refresh-Token': successor } });
    expect(await errorOf(owner)).toMatchObject({ code: 'unauthorized', reason: 'reused' });
  });

  describe('grace', () => {
    it('answers the direct predecessor with the same successor and a fresh access token', async () => {
      const { server, clock } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      const successor = device.refreshToken();
      const firstAccess = device.accessToken;
      clock.advance(29);
      device.bridge.clearCookies();
      const again = await device.refresh({ headers: { 'X-Refresh-Token': old } });
      expect(again.status).toBe(200);
      expect(device.refreshToken()).toBe(successor);
      expect(device.accessToken).not.toBe(firstAccess);
      // The session is intact: the successor still rotates normally.
      expect((await device.refresh()).status).toBe(200);
    });

    it('ends strictly inside the window', async () => {
      const { server, clock } = createTestServer({ reuseGraceSeconds: 10 });
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      clock.advance(10);
      const late = await device.refresh({ headers: { 'X-Refresh-Token': old } });
      expect((await errorOf(late)).code).toBe('token_reused');
    });

    it('does not restart the window', async () => {
      const { server, clock } = createTestServer({ reuseGraceSeconds: 10 });
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      clock.advance(6);
      expect((await device.refresh({ headers: { 'X-Refresh-Token': old } })).status).toBe(200);
      clock.advance(6);
      const late = await device.refresh({ headers: { 'X-Refresh-Token': old } });
      expect((await errorOf(late)).code).toBe('token_reused');
    });

    it('covers only the direct predecessor', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const first = device.refreshToken()!;
      await device.refresh();
      await device.refresh();
      const response = await device.refresh({ headers: { 'X-Refresh-Token': first } });
      expect((await errorOf(response)).code).toBe('token_reused');
    });

    it('counts as activity', async () => {
      const { server, clock } = createTestServer({ inactivityTimeoutSeconds: 100 });
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      clock.advance(20);
      expect((await device.refresh({ headers: { 'X-Refresh-Token': old } })).status).toBe(200);
      clock.advance(90);
      expect((await device.refresh()).status).toBe(200);
    });

    it('is off at reuseGraceSeconds 0', async () => {
      const { server } = createTestServer({ reuseGraceSeconds: 0 });
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      const response = await device.refresh({ headers: { 'X-Refresh-Token': old } });
      expect((await errorOf(response)).code).toBe('token_reused');
    });

    it('lets /revoke with a predecessor inside grace revoke the session', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const old = device.refreshToken()!;
      await device.refresh();
      const successor = device.refreshToken()!;
      expect((await device.logout({ headers: { 'X-Refresh-Token': old } })).status).toBe(204);
      const after = await device.refresh({ headers: { 'X-Refresh-Token': successor } });
      expect(await errorOf(after)).toMatchObject({ code: 'unauthorized', reason: 'revoked' });
    });

    it('recovers a response lost after commit', async () => {
      const { server } = createTestServer();
      const device = await createDevice(server);
      await device.login();
      const log = refreshLog(server);
      server.faults.add({ path: '/refresh', dropResponse: true });
      await expect(device.refresh()).rejects.toThrow(TypeError);
      expect((await device.refresh()).status).toBe(200);
      expect(log.map((e) => e.refreshToken?.state)).toEqual(['current', 'grace']);
    });
  });

  it('never stores a usable refresh token', async () => {
    const { createMemoryStore, createSessionServer } = await import('../../src/server');
    const store = createMemoryStore();
    const writes: string[] = [];
    const spy = {
      ...store,
      set: (k: string, v: unknown, o?: { expiresAtMs?: number }) => (
        writes.push(String(JSON.stringify(v))),
        store.set(k, v, o)
      ),
      compareAndSwap: (k: string, e: unknown, n: unknown, o?: { expiresAtMs?: number }) => (
        writes.push(String(JSON.stringify(n))),
        store.compareAndSwap(k, e, n, o)
      ),
    };
    const server = createSessionServer({
      store: spy,
      rateLimit: false,
      users: [{ identifier: 'ada@example.com', password: 'correct horse' }],
    });
    const device = await createDevice(server);
    await device.login();
    await device.refresh();
    const token = device.refreshToken()!;
    expect(writes.some((w) => w.includes(token))).toBe(false);
  });
});
