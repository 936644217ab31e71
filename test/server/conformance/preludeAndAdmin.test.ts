import { describe, expect, it } from 'vitest';
import { createMemoryStore, createSessionServer } from '../../../src/server';
import { createClock, createDevice, errorOf, USER } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { bodyOf, claimsOf, raw, signedIn } from './support';

describe('Prelude SDK compatibility', () => {
  it('issues unbound tokens with bindAccessTokens false, accepted as Bearer without a proof', async () => {
    const { device } = await signedIn({ bindAccessTokens: false });
    expect(claimsOf(device.accessToken!).cnf).toBeUndefined();
    const list = await device.list('', { scheme: 'Bearer', proof: false });
    expect(list.status).toBe(200);
    const revoke = await device.revoke('?target=others', { scheme: 'Bearer', proof: false });
    expect(revoke.status).toBe(204);
  });

  it('answers unbound-token failures with a Bearer challenge', async () => {
    const { device, clock } = await signedIn({ bindAccessTokens: false });
    const asDpop = await device.list('', { scheme: 'DPoP' });
    expect((await errorOf(asDpop)).code).toBe('unauthorized');
    expect(asDpop.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    clock.advance(300);
    const expired = await device.list('', { scheme: 'Bearer', proof: false });
    expect((await errorOf(expired)).code).toBe('unauthorized');
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('reads scheme names case-insensitively', async () => {
    const bound = await signedIn();
    const token = bound.device.accessToken!;
    for (const scheme of ['dpop', 'DPOP', 'dPoP']) {
      const response = await bound.device.send('/me/list', {
        method: 'GET',
        proof: { accessToken: token },
        headers: { Authorization: `${scheme} ${token}` },
      });
      expect(response.status).toBe(200);
    }
    const unbound = await signedIn({ bindAccessTokens: false });
    for (const scheme of ['bearer', 'BEARER']) {
      const response = await unbound.device.send('/me/list', {
        method: 'GET',
        proof: false,
        headers: { Authorization: `${scheme} ${unbound.device.accessToken}` },
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses several Authorization headers with unbound tokens too', async () => {
    const { server, device } = await signedIn({ bindAccessTokens: false });
    const response = await raw(server, {
      path: '/v1/session/me/list',
      headers: { Authorization: [`Bearer ${device.accessToken}`, `Bearer ${device.accessToken}`] },
    });
    expect(response.status).toBe(401);
    expect(bodyOf(response).code).toBe('unauthorized');
  });

  it('ignores a step_up_token in the /refresh body', async () => {
    const { device } = await signedIn({ bindAccessTokens: false });
    const response = await device.refresh({ body: { step_up_token: 'x' } });
    expect(response.status).toBe(200);
  });

  it('reads whether a token is bound from its cnf, not from the current configuration', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const users = [{ id: 'usr_ada', ...USER }];
    const binding = createSessionServer({ store, users, now: clock.now, rateLimit: false });
    const plain = createSessionServer({
      store,
      users,
      now: clock.now,
      rateLimit: false,
      bindAccessTokens: false,
    });
    const boundDevice = await createDevice(binding);
    await boundDevice.login();
    const onPlain = await createDevice(plain);
    onPlain.key = boundDevice.key;
    onPlain.accessToken = boundDevice.accessToken;
    const asBearer = await onPlain.list('', { scheme: 'Bearer', proof: false });
    expect((await errorOf(asBearer)).code).toBe('unauthorized');
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP\b/);
    expect((await onPlain.list()).status).toBe(200);

    const plainDevice = await createDevice(plain);
    await plainDevice.login();
    const onBinding = await createDevice(binding);
    onBinding.accessToken = plainDevice.accessToken;
    expect((await onBinding.list('', { scheme: 'Bearer', proof: false })).status).toBe(200);
  });
});

describe('admin', () => {
  it('resolves revokeUserSessions to the number of live sessions it revoked', async () => {
    const { server, clock } = createTestServer({ inactivityTimeoutSeconds: 100 });
    const stale = await createDevice(server);
    await stale.login();
    clock.advance(100);
    const live = [await createDevice(server), await createDevice(server)];
    for (const device of live) await device.login();
    const ended = await createDevice(server);
    await ended.login();
    await ended.logout();
    expect(await server.admin.revokeUserSessions('usr_ada')).toBe(2);
    expect(await server.admin.revokeUserSessions('usr_ada')).toBe(0);
    expect(await server.admin.revokeUserSessions('usr_nobody')).toBe(0);
    for (const device of live) {
      expect(await errorOf(await device.list())).toMatchObject({
        code: 'unauthorized',
        reason: 'revoked',
      });
    }
  });

  it('lists a user sessions exactly as /me/list shows them, in its order', async () => {
    const { server, clock } = createTestServer();
    const devices = [];
    for (let i = 0; i < 3; i += 1) {
      const device = await createDevice(server, { headers: { 'cf-ipcountry': 'DE' } });
      await device.login();
      devices.push(device);
    }
    clock.advance(5);
    await devices[1]!.refresh();
    const page = (await (await devices[0]!.list()).json()) as { sessions: unknown[] };
    expect(await server.admin.listUserSessions('usr_ada')).toEqual(page.sessions);
    expect(await server.admin.listUserSessions('usr_bob')).toEqual([]);
  });
});
