import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDevice } from './helpers/device';
import { createTestServer } from './helpers/server';
import { createSessionServer } from '../../src/server';

/**
 * Hostile-input review of the reference server's login flow. Every test here fails on the
 * code as reviewed, because of the bug its name states.
 */

const MAX_FIELD = 64;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('finalize: device description taken from a hostile User-Agent', () => {
  it('bounds every User-Agent-derived session field to 64 characters (browser name and version are stored unbounded)', async () => {
    const { server } = createTestServer();
    // No client hints: the User-Agent alone describes the device. bowser's generic parser
    // takes "<name>/<version> " verbatim from the header.
    const userAgent = `${'N'.repeat(300)}/${'9'.repeat(300)} tail`;
    const device = await createDevice(server, { userAgent });
    await device.login();

    const [session] = await server.admin.listUserSessions('usr_ada');
    expect(session).toBeDefined();
    for (const field of [
      'device_model',
      'os_version',
      'browser_name',
      'browser_version',
    ] as const) {
      expect(
        (session![field] ?? '').length,
        `${field} is ${(session![field] ?? '').length} characters`,
      ).toBeLessThanOrEqual(MAX_FIELD);
    }
  });

  it('strips control characters from User-Agent-derived session fields (C1 controls reach browser_name)', async () => {
    const { server } = createTestServer();
    // Header values are byte strings: U+0080..U+009F (C1 controls such as CSI, U+009B) pass.
    const userAgent = 'Evil\u009b31mName/1.0 tail';
    const device = await createDevice(server, { userAgent });
    await device.login();

    const [session] = await server.admin.listUserSessions('usr_ada');
    const fields = [
      session!.device_model,
      session!.os_version,
      session!.browser_name ?? '',
      session!.browser_version ?? '',
    ];
    for (const value of fields) {
      // eslint-disable-next-line no-control-regex
      expect(value, JSON.stringify(value)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
  });

  it('never runs the Android-model regex over more of the User-Agent than bowser gets (1024 characters)', async () => {
    const { server } = createTestServer();
    // ~14 KB: within Node's default header limit. Each " Build/" restarts a scan to the end of
    // the string, so the cost grows faster than quadratically with the header's length.
    const userAgent = `(Linux; Android 1; ${' Build/'.repeat(2000)}`;
    const device = await createDevice(server, { userAgent });

    const seen: number[] = [];
    const exec = RegExp.prototype.exec;
    vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, input: string) {
      if (this.source.includes('Android') && this.source.includes('Build')) {
        seen.push(String(input).length);
      }
      return exec.call(this, input);
    });
    await device.login();

    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThanOrEqual(1024);
  });
});

describe('the users option', () => {
  it.each([
    ['one identifier twice (after trimming and case)', [{ identifier: ' Ada@Example.com ' }]],
    ['an id that is another user’s', [{ identifier: 'bob@example.com', id: 'ada@example.com' }]],
  ])('refuses %s at start-up instead of merging two accounts', (_, others) => {
    const ada = { identifier: 'ada@example.com', password: 'a', profile: { name: 'Ada' } };
    expect(() =>
      createSessionServer({ users: [ada, ...others.map((o) => ({ password: 'b', ...o }))] }),
    ).toThrow(/"users" lists/);
  });
});
