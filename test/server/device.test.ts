import { describe, expect, it } from 'vitest';
import { describeDevice, readCountry, sanitizeDeviceHints } from '../../src/server/device';
import { createDevice } from './helpers/device';
import { createTestServer } from './helpers/server';

const UA = {
  pixel:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  reduced:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  firefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

describe('device description', () => {
  it('reads the User-Agent when there are no hints', () => {
    expect(describeDevice(undefined, UA.pixel)).toEqual({
      model: 'Pixel 8',
      type: 'mobile',
      osVersion: 'Android 14',
      browserName: 'Chrome',
      browserVersion: '120',
    });
    expect(describeDevice(undefined, UA.ipad).type).toBe('tablet');
    expect(describeDevice(undefined, UA.mac)).toMatchObject({
      type: 'desktop',
      browserName: 'Safari',
      browserVersion: '17',
    });
    expect(describeDevice(undefined, UA.firefox)).toMatchObject({
      type: 'desktop',
      osVersion: 'Linux',
      browserName: 'Firefox',
    });
  });

  it('prefers hints field by field over a reduced User-Agent', () => {
    const device = describeDevice(
      { model: 'Pixel 9', platformVersion: '16', mobile: true },
      UA.reduced,
    );
    expect(device).toEqual({
      model: 'Pixel 9',
      type: 'mobile',
      osVersion: 'Android 16',
      browserName: 'Chrome',
      browserVersion: '120',
    });
    expect(describeDevice({ browser: 'Edge', browserVersion: '156' }, UA.pixel)).toMatchObject({
      browserName: 'Edge',
      browserVersion: '156',
      model: 'Pixel 8',
    });
  });

  it('names the OS release from a hinted platformVersion: Windows 11 or 10, Android 16, macOS 15.1', () => {
    const osOf = (platform: string, platformVersion: string) =>
      describeDevice({ platform, platformVersion }, UA.windows).osVersion;
    // What Chrome's getHighEntropyValues(['platformVersion']) resolves to on each system.
    expect(osOf('Windows', '15.0.0')).toBe('Windows 11');
    expect(osOf('Windows', '13.0.0')).toBe('Windows 11');
    expect(osOf('Windows', '10.0.0')).toBe('Windows 10');
    expect(osOf('Windows', '1.0.0')).toBe('Windows 10');
    expect(osOf('Windows', '0.3.0')).toBe('Windows');
    expect(osOf('Windows', 'beta')).toBe('Windows');
    expect(osOf('Android', '16.0.0')).toBe('Android 16');
    expect(osOf('macOS', '15.1.0')).toBe('macOS 15.1');
    expect(osOf('macOS', '15.10.0')).toBe('macOS 15.10');
    expect(osOf('Chrome OS', '16181.61.0')).toBe('Chrome OS 16181.61');
  });

  it('never pairs a User-Agent OS version with a hinted OS of another name', () => {
    expect(describeDevice({ platform: 'Windows' }, UA.pixel).osVersion).toBe('Windows');
  });

  it('gives empty strings and type unknown when nothing is known', () => {
    expect(describeDevice(undefined, null)).toEqual({
      model: '',
      type: 'unknown',
      osVersion: '',
      browserName: '',
      browserVersion: '',
    });
    expect(describeDevice({ mobile: false }, null).type).toBe('desktop');
  });

  it('strips control characters, caps fields at 64 characters and drops wrong types', () => {
    expect(
      sanitizeDeviceHints({
        model: 'Pix\u0000el\u001b 9\u007f',
        platform: 'x'.repeat(100),
        platformVersion: 16,
        browser: ['Chrome'],
        browserVersion: null,
        mobile: 'yes',
      }),
    ).toEqual({ model: 'Pixel 9', platform: 'x'.repeat(64) });
    expect(sanitizeDeviceHints('Pixel')).toEqual({});
    expect(sanitizeDeviceHints(null)).toEqual({});
    expect(sanitizeDeviceHints({ model: '\u0001\u0002' })).toEqual({});
  });

  it('reads the country as two upper-case letters, XX and T1 giving ""', () => {
    expect(readCountry('FR')).toBe('FR');
    expect(readCountry(' DE ')).toBe('DE');
    for (const value of ['XX', 'T1', 'fr', 'FRA', '', null, 'F1'])
      expect(readCountry(value)).toBe('');
  });
});

describe('device and country of a session', () => {
  it('shows hints, User-Agent and country in /me/list', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, {
      userAgent: UA.reduced,
      headers: { 'cf-ipcountry': 'FR' },
    });
    await device.login(undefined, undefined, {
      model: 'Pixel 9',
      platform: 'Android',
      platformVersion: '16',
      mobile: true,
      extra: 1,
    });
    const { sessions } = (await (await device.list()).json()) as {
      sessions: Array<Record<string, string>>;
    };
    expect(sessions[0]).toMatchObject({
      device_model: 'Pixel 9',
      device_type: 'mobile',
      os_version: 'Android 16',
      country_code: 'FR',
      browser_name: 'Chrome',
      browser_version: '120',
    });
  });

  it('never refuses a login for bad hints', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server);
    await device.login(undefined, undefined, { model: 42, mobile: 'no' });
    const { sessions } = (await (await device.list()).json()) as {
      sessions: Array<Record<string, string>>;
    };
    expect(sessions[0]).toMatchObject({
      device_model: '',
      device_type: 'unknown',
      os_version: '',
      country_code: '',
    });
  });

  it('updates the country on refresh, from a configurable header', async () => {
    const { server } = createTestServer({ countryHeader: 'X-Country' });
    const device = await createDevice(server, { headers: { 'x-country': 'FR' } });
    await device.login();
    await device.refresh({ headers: { 'x-country': 'JP' } });
    const [view] = await server.admin.listUserSessions('usr_ada');
    expect(view!.country_code).toBe('JP');
    await device.refresh({ headers: { 'x-country': 'XX' } });
    expect((await server.admin.listUserSessions('usr_ada'))[0]!.country_code).toBe('');
  });
});

describe('Android models from the User-Agent', () => {
  it('reads the model but not the reduced placeholder', () => {
    expect(describeDevice(undefined, UA.pixel).model).toBe('Pixel 8');
    expect(describeDevice(undefined, UA.reduced).model).toBe('');
    expect(
      describeDevice(
        undefined,
        'Mozilla/5.0 (Linux; Android 13; SM-S901B Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36',
      ).model,
    ).toBe('SM-S901B');
  });
});
