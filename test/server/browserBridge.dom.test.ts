// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createDevice } from './helpers/device';
import { createTestServer } from './helpers/server';

describe('createBrowserBridge under happy-dom', () => {
  it('signs in, refreshes and lists with the DOM Request/Response globals', async () => {
    expect(typeof window).toBe('object');
    const { server } = createTestServer();
    const device = await createDevice(server, { userAgent: navigator.userAgent });
    await device.login();
    expect(device.bridge.cookies()[0]).toMatchObject({ name: 'refresh_token', httpOnly: true });
    expect((await device.refresh()).status).toBe(200);
    const list = await device.list();
    expect(list).toBeInstanceOf(window.Response);
    expect(((await list.json()) as { total: number }).total).toBe(1);
  });
});
