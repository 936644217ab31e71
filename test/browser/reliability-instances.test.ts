import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionServer } from '../../src/server';
import { ADA, BASE_URL, createRig, disposeRigs, expectInvariants } from './helpers/createRig';

afterEach(disposeRigs);

const API = BASE_URL + '/v1/session';

/** A thief's proof: its own key, a fresh jti, the server's nonce when it asks for one. */
async function thiefProof(htm: string, htu: string, iat: number, nonce?: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return new SignJWT({ jti: crypto.randomUUID(), htm, htu, iat: Math.floor(iat / 1000), nonce })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(publicKey) })
    .sign(privateKey);
}

/** Sends a raw request to one instance, as a thief with stolen material would. */
const raw = (
  server: SessionServer,
  path: string,
  headers: Record<string, string>,
  method = 'POST',
) => server.handle({ method, url: API + path, headers: new Headers(headers) });

/** How many requests each instance answered. */
function perInstance(servers: SessionServer[]) {
  const counts = servers.map(() => 0);
  servers.forEach((s, i) => s.onRequest(() => counts[i]!++));
  return counts;
}

describe('two server instances sharing one store, requests alternating', () => {
  it('rotates once per expiry across instances, with nonces from either', async () => {
    const rig = createRig({ instances: 2, server: { requireNonce: true } });
    const counts = perInstance(rig.servers);
    const laptop = rig.device();
    const phone = rig.device();
    const tabs = [laptop.tab(), laptop.tab(), laptop.tab(), phone.tab(), phone.tab()];
    await tabs[0]!.loginWithPassword(ADA);
    await tabs[3]!.loginWithPassword(ADA);
    for (let round = 1; round <= 8; round++) {
      rig.advance(301);
      const tokens = await Promise.all(
        tabs.flatMap((t) => [t.getAccessToken(), t.getAccessToken()]),
      );
      expect(new Set(tokens).size).toBe(2);
      expect(rig.count('/refresh', 200)).toBe(2 * round);
      await expect(tabs[round % tabs.length]!.listSessions()).resolves.toMatchObject({ total: 2 });
    }
    // Both instances did real work, and no answer was an error beyond nonce retries.
    expect(counts.every((c) => c > 10)).toBe(true);
    expect(rig.log.filter((e) => e.status >= 400 && e.status !== 400 && e.status !== 401)).toEqual(
      [],
    );
    expectInvariants(rig, [laptop, phone]);
  });

  it.for([0, 1])(
    'treats a rotated refresh token replayed at instance %i as reuse, and every tab follows',
    async (instance) => {
      const rig = createRig({ instances: 2 });
      const device = rig.device();
      const [a, b] = [device.tab(), device.tab()];
      await a.loginWithPassword(ADA);
      const sessionId = a.getSessionId()!;
      const stolen = device.bridge.cookies()[0]!;
      // Two rotations, one at each instance.
      for (let i = 0; i < 2; i++) {
        rig.advance(301);
        await b.refresh();
      }
      expect(await a.getAccessToken()).toBe(b.getSnapshot().user!.accessToken);
      // The thief replays the stolen (rotated) cookie with its own key.
      const res = await raw(rig.servers[instance]!, '/refresh', {
        cookie: `${stolen.name}=${stolen.value}`,
        dpop: await thiefProof('POST', API + '/refresh', rig.now()),
      });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body!)).toMatchObject({ code: 'token_reused' });
      expect(await rig.server.admin.isSessionActive(sessionId)).toBe(false);
      expect(await rig.servers[1 - instance]!.admin.isSessionActive(sessionId)).toBe(false);
      // The device learns at its next refresh, at either instance, and every tab follows.
      rig.advance(301);
      await expect(a.refresh()).rejects.toMatchObject({ code: 'unauthorized' });
      await vi.waitFor(() => {
        for (const t of [a, b]) expect(t.getSnapshot().status).toBe('unauthenticated');
      });
      expect(await b.getAccessToken()).toBeNull();
      expectInvariants(rig, [device], { thefts: 1 });
    },
  );

  it('recovers a refresh answer lost at one instance through grace at the other', async () => {
    const rig = createRig({ instances: 2 });
    const device = rig.device();
    const [a, b] = [device.tab(), device.tab()];
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    let dropped = 0;
    rig.servers[0]!.onRequest((e) => {
      if (e.path.endsWith('/refresh') && e.status === 200) dropped++;
    });
    rig.servers[0]!.faults.add({ path: '/refresh', dropResponse: true });
    // Requests alternate: refresh until one lands at instance 0 and its answer is lost.
    for (let i = 0; i < 6 && dropped === 0; i++) {
      rig.advance(301);
      await expect(b.refresh()).resolves.toBeTruthy();
    }
    expect(dropped).toBe(1);
    // The immediate retry went to instance 1, which recovered the successor from the store.
    expect(rig.presented('grace')).toHaveLength(1);
    expect(rig.log.at(-1)).toMatchObject({ status: 200, refreshToken: { state: 'grace' } });
    expect(await a.getAccessToken()).toBe(b.getSnapshot().user!.accessToken);
    rig.advance(301);
    await a.refresh();
    expect(rig.log.at(-1)).toMatchObject({ status: 200, refreshToken: { state: 'current' } });
    expectInvariants(rig, [device], { grace: 1 });
  });

  it('refuses a proof replayed at the other instance', async () => {
    const rig = createRig({ instances: 2 });
    const device = rig.device();
    const captured: Array<{ url: string; headers: Headers }> = [];
    const tab = device.tab({
      fetch: (input, init) => {
        captured.push({ url: String(input), headers: new Headers(init?.headers) });
        return device.fetch(input, init);
      },
    });
    await tab.loginWithPassword(ADA);
    await tab.listSessions();
    const call = captured.find((c) => c.url.includes('/me/list'))!;
    const headers = {
      authorization: call.headers.get('authorization')!,
      dpop: call.headers.get('dpop')!,
    };
    // The client's call went to one instance; the very same proof fails at both.
    for (const server of rig.servers) {
      const res = await server.handle({
        method: 'GET',
        url: call.url,
        headers: new Headers(headers),
      });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body!)).toMatchObject({ code: 'invalid_dpop_proof' });
    }
    await expect(tab.listSessions()).resolves.toMatchObject({ total: 1 });
    expectInvariants(rig, [device]);
  });

  it('answers two tabs refreshing at once at different instances with one rotation and grace, without Web Locks', async () => {
    const rig = createRig({ instances: 2 });
    const device = rig.device();
    const [a, b] = [
      device.tab({ environment: { locks: null } }),
      device.tab({ environment: { locks: null } }),
    ];
    await a.loginWithPassword(ADA);
    await b.getAccessToken();
    rig.advance(301);
    rig.servers.forEach((s) => s.faults.add({ path: '/refresh', latencyMs: 50 }));
    a.invalidateCache();
    b.invalidateCache();
    const [ra, rb] = await Promise.all([a.refresh(), b.refresh()]);
    expect(ra.user.sessionId).toBe(rb.user.sessionId);
    expect(rig.log.filter((e) => e.path.endsWith('/refresh')).map((e) => e.status)).toEqual([
      200, 200,
    ]);
    expect(rig.presented('rotated')).toEqual([]);
    // One live refresh token is left (I9): the next refresh presents the current one.
    rig.advance(301);
    await a.refresh();
    expect(rig.log.at(-1)).toMatchObject({ status: 200, refreshToken: { state: 'current' } });
    await expect(b.listSessions()).resolves.toMatchObject({ total: 1 });
  });
});
