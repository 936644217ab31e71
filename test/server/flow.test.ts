import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDevice, errorOf } from './helpers/device';
import { createTestServer } from './helpers/server';

describe('session flow', () => {
  it('signs in, refreshes, lists, revokes and signs out', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, {
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    });
    const { accessToken, sessionId } = await device.login();
    const claims = decodeJwt(accessToken);
    expect(claims.sub).toBe('usr_ada');
    expect(claims.cnf).toEqual({ jkt: device.key.jkt });
    const first = device.refreshToken();
    expect(first).toBeTruthy();

    const refreshed = await device.refresh();
    expect(refreshed.status).toBe(200);
    expect(device.refreshToken()).not.toBe(first);

    const list = await device.list();
    expect(list.status).toBe(200);
    const page = (await list.json()) as {
      sessions: Array<{ id: string; browser_name: string }>;
      total: number;
    };
    expect(page.total).toBe(1);
    expect(page.sessions[0]!.id).toBe(sessionId);
    expect(page.sessions[0]!.browser_name).toBe('Chrome');

    const out = await device.logout();
    expect(out.status).toBe(204);
    expect(device.refreshToken()).toBeUndefined();
    const after = await device.list();
    expect(after.status).toBe(401);
    expect((await errorOf(after)).reason).toBe('revoked');
  });
});
