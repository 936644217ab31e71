// Proposed as test/browser/testing.test.ts (browser project): createTestSession in real Chromium.
import { expect, it } from 'vitest';
import { createTestSession } from '../../src/testing';

it('runs the reference server and a client in Chromium, devices described by their options', async () => {
  const session = createTestSession();
  const me = await session.signIn();
  const phone = await session.addDevice({ deviceType: 'mobile', model: 'Pixel 9', country: 'FR' });
  const page = await session.client.listSessions();
  expect(page.total).toBe(2);
  expect(page.sessions.find((row) => row.id === phone.sessionId)).toMatchObject({
    deviceModel: 'Pixel 9',
    countryCode: 'FR',
    deviceType: 'mobile',
    osVersion: 'Android 14',
  });
  // Chromium's own client hints (Linux, desktop) do not leak into the simulated devices.
  expect(page.sessions.find((row) => row.id === me.sessionId)).toMatchObject({
    deviceType: 'desktop',
    osVersion: 'macOS 10.15.7',
  });
  await session.client.dispose();
  const tab = session.openTab();
  await tab.refresh();
  expect(tab.getSnapshot().status).toBe('authenticated');
  await session.dispose();
});
