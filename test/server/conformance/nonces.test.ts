import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../../src/server';
import { createDevice, errorOf } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { raw, signedIn } from './support';

describe('nonces (requireNonce)', () => {
  it('requires a nonce on /me/revoke as on every proof-taking endpoint', async () => {
    const { device } = await signedIn({ requireNonce: true });
    device.nonce = undefined;
    const response = await device.revoke('?target=others');
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('use_dpop_nonce');
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    expect((await device.revoke('?target=others')).status).toBe(204);
  });

  it('answers use_dpop_nonce with a DPoP-Nonce that the single retry then succeeds with', async () => {
    const { server } = createTestServer({ requireNonce: true });
    const device = await createDevice(server);
    const first = await device.send('/revoke');
    expect(first.status).toBe(400);
    expect((await errorOf(first)).code).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toBeTruthy();
    expect((await device.send('/revoke', { proof: { nonce: nonce! } })).status).toBe(204);
  });

  it('accepts the previous window nonce and refuses an older one as stale', async () => {
    const { server, clock } = createTestServer({ requireNonce: true, nonceWindowSeconds: 10 });
    const device = await createDevice(server);
    await device.login();
    const old = device.nonce!;
    clock.advance(10);
    expect((await device.refresh({ proof: { nonce: old } })).status).toBe(200);
    clock.advance(10);
    const stale = await device.refresh({ proof: { nonce: old } });
    expect(stale.status).toBe(400);
    expect((await errorOf(stale)).code).toBe('use_dpop_nonce');
    expect(stale.headers.get('dpop-nonce')).not.toBe(old);
  });

  it('carries the current nonce on every answer, errors and 204s included', async () => {
    const { server, device } = await signedIn({ requireNonce: true });
    const answers = [
      await raw(server, { path: '/v1/session/nope' }),
      await raw(server, { method: 'OPTIONS', path: '/v1/session/refresh' }),
      await raw(server, { method: 'POST', path: '/v1/session/login/email/password', body: '{}' }),
    ];
    for (const answer of answers) expect(answer.headers['DPoP-Nonce']).toBeTruthy();
    expect((await device.revoke('?target=others')).headers.get('dpop-nonce')).toBeTruthy();
  });

  it('never spends a refresh token on a failed nonce check', async () => {
    const { server, device } = await signedIn({ requireNonce: true });
    const states: string[] = [];
    server.onRequest((entry: RequestLogEntry) => {
      if (entry.path.endsWith('/refresh') && entry.status === 200)
        states.push(entry.refreshToken?.state ?? '');
    });
    const token = device.refreshToken();
    const refused = await device.refresh({ proof: { nonce: 'not-a-nonce' } });
    expect((await errorOf(refused)).code).toBe('use_dpop_nonce');
    expect(device.refreshToken()).toBe(token);
    expect((await device.refresh()).status).toBe(200);
    expect(states).toEqual(['current']);
  });
});

describe('nonces not required', () => {
  it('sends no DPoP-Nonce and ignores a nonce claim', async () => {
    const { server, device } = await signedIn();
    expect((await raw(server, { path: '/v1/session/nope' })).headers['DPoP-Nonce']).toBeUndefined();
    const refreshed = await device.refresh({ proof: { nonce: 'whatever' } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers.get('dpop-nonce')).toBeNull();
    expect((await device.list('', { proof: { nonce: 'anything' } })).status).toBe(200);
  });
});
