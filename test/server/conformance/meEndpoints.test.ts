import { describe, expect, it } from 'vitest';
import { createDevice, errorOf, type TestDevice } from '../helpers/device';
import { createTestServer } from '../helpers/server';
import { signedIn } from './support';

type View = Record<string, unknown> & { id: string };
type Page = { sessions: View[]; total: number; limit: number; offset: number };

const VIEW_KEYS = [
  'browser_name',
  'browser_version',
  'country_code',
  'created_at',
  'device_model',
  'device_type',
  'expires_at',
  'id',
  'last_seen_at',
  'os_version',
];
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function devices(count: number, options: Parameters<typeof createTestServer>[0] = {}) {
  const { server, clock } = createTestServer(options);
  const all: TestDevice[] = [];
  for (let i = 0; i < count; i += 1) {
    const device = await createDevice(server);
    await device.login();
    all.push(device);
  }
  return { server, clock, all };
}

describe('session view', () => {
  it('has exactly the protocol fields, strings only, "" and unknown when nothing is known', async () => {
    const { device } = await signedIn();
    const page = (await (await device.list()).json()) as Page;
    const [view] = page.sessions;
    expect(Object.keys(view!).sort()).toEqual(VIEW_KEYS);
    for (const key of VIEW_KEYS) expect(typeof view![key]).toBe('string');
    expect(view).toMatchObject({
      device_model: '',
      device_type: 'unknown',
      os_version: '',
      country_code: '',
      browser_name: '',
      browser_version: '',
    });
    expect(view!.id).toMatch(/^ses_/);
    for (const key of ['created_at', 'last_seen_at', 'expires_at'])
      expect(view![key]).toMatch(ISO_SECONDS);
  });

  it('fills the view from hints first and the User-Agent for the gaps', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, {
      userAgent:
        'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
      headers: { 'cf-ipcountry': 'FR' },
    });
    await device.login(undefined, undefined, {
      model: 'Pixel 9',
      platform: 'Android',
      platformVersion: '16',
      mobile: true,
    });
    const [view] = ((await (await device.list()).json()) as Page).sessions;
    expect(view).toMatchObject({
      device_model: 'Pixel 9',
      device_type: 'mobile',
      os_version: 'Android 16',
      country_code: 'FR',
      browser_name: 'Chrome',
      browser_version: '156',
    });
  });

  it('sanitises hints: control characters gone, 64 characters at most, wrong types dropped', async () => {
    const { server } = createTestServer();
    const device = await createDevice(server, {
      userAgent:
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    });
    await device.login(undefined, undefined, {
      model: `Evil\u0000\u001b[31m${'x'.repeat(200)}`,
      platform: 42,
      browser: ['Chrome'],
      mobile: 'yes',
    });
    const [view] = ((await (await device.list()).json()) as Page).sessions;
    const model = view!.device_model as string;
    expect([...model].length).toBeLessThanOrEqual(64);
    // eslint-disable-next-line no-control-regex
    expect(model).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(model.startsWith('Evil')).toBe(true);
    expect(view!.os_version).toMatch(/^Windows/);
    expect(view!.browser_name).toBe('Chrome');
    expect(view!.device_type).toBe('desktop');
  });

  it.each([
    ['fr', ''],
    ['XX', ''],
    ['T1', ''],
    ['FRA', ''],
    [' DE ', 'DE'],
    ['US', 'US'],
  ])('reads country %j as %j', async (header, expected) => {
    const { server } = createTestServer();
    const device = await createDevice(server, { headers: { 'cf-ipcountry': header } });
    await device.login();
    const [view] = ((await (await device.list()).json()) as Page).sessions;
    expect(view!.country_code).toBe(expected);
  });
});

describe('/me/list paging', () => {
  it.each(['+5', '%2B5', '5.0', '1e1', '', '0x5', '5%20', '-0'])(
    'refuses offset=%s with invalid_pagination_offset',
    async (offset) => {
      const { device } = await signedIn();
      const response = await device.list(`?offset=${offset}`);
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({
        code: 'invalid_pagination_offset',
        type: 'bad_request',
      });
    },
  );

  it.each(['%2B5', '1e1', '5.0', ''])('refuses limit=%s', async (limit) => {
    const { device } = await signedIn();
    const response = await device.list(`?limit=${limit}`);
    expect((await errorOf(response)).code).toBe('invalid_pagination_limit');
  });

  it('reports the limit when both are bad, whichever comes first in the query', async () => {
    const { device } = await signedIn();
    const response = await device.list('?offset=1e1&limit=5.0');
    expect((await errorOf(response)).code).toBe('invalid_pagination_limit');
  });

  it('echoes limit and offset as numbers, accepting the bounds 1 and 100', async () => {
    const { device } = await signedIn();
    for (const [query, limit, offset] of [
      ['?limit=1', 1, 0],
      ['?limit=100&offset=0', 100, 0],
      ['?limit=007&offset=00', 7, 0],
      ['', 10, 0],
    ] as const) {
      const page = (await (await device.list(query)).json()) as Page;
      expect(page.limit).toBe(limit);
      expect(page.offset).toBe(offset);
    }
  });

  it('gives an empty page with the right total for an offset at or past the end', async () => {
    const { all } = await devices(3);
    for (const offset of [3, 4, 1000]) {
      const page = (await (await all[0]!.list(`?offset=${offset}&limit=2`)).json()) as Page;
      expect(page).toEqual({ sessions: [], total: 3, limit: 2, offset });
    }
  });

  it('breaks ties on last_seen_at and created_at by id', async () => {
    const { all } = await devices(4);
    const page = (await (await all[0]!.list()).json()) as Page;
    const ids = page.sessions.map((s) => s.id);
    expect(ids).toHaveLength(4);
    expect(ids).toEqual([...ids].sort());
    const again = (await (await all[0]!.list()).json()) as Page;
    expect(again.sessions.map((s) => s.id)).toEqual(ids);
  });

  it('orders by last activity, a refresh moving a session to the front', async () => {
    const { all, clock } = await devices(3);
    clock.advance(10);
    await all[2]!.refresh();
    clock.advance(10);
    await all[0]!.refresh();
    const page = (await (await all[1]!.list()).json()) as Page;
    const sid = (d: TestDevice) =>
      JSON.parse(atob(d.accessToken!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sid;
    expect(page.sessions.slice(0, 2).map((s) => s.id)).toEqual([sid(all[0]!), sid(all[2]!)]);
  });

  it('counts only live sessions in total and pages over them', async () => {
    const { all, clock } = await devices(3, { inactivityTimeoutSeconds: 100 });
    clock.advance(60);
    await all[0]!.refresh();
    clock.advance(40);
    const page = (await (await all[0]!.list('?limit=1')).json()) as Page;
    expect(page.total).toBe(1);
    expect(page.sessions).toHaveLength(1);
  });
});

describe('/me/revoke', () => {
  it.each([
    '',
    '?target=ALL',
    '?target=',
    '?target=session',
    '?target=session&session_id=',
    '?target=session&session_id=%20%20',
  ])('answers 400 bad_request for %j', async (query) => {
    const { device } = await signedIn();
    const response = await device.revoke(query);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'bad_request', type: 'bad_request' });
  });

  it('ends only the caller with mine, every live session with all', async () => {
    const { all, server } = await devices(3);
    expect((await all[0]!.revoke('?target=mine')).status).toBe(204);
    expect((await server.admin.listUserSessions('usr_ada')).length).toBe(2);
    expect((await all[1]!.list()).status).toBe(200);
    expect((await all[1]!.revoke('?target=all')).status).toBe(204);
    expect(await server.admin.listUserSessions('usr_ada')).toEqual([]);
    expect((await errorOf(await all[1]!.list())).code).toBe('unauthorized');
    expect((await errorOf(await all[2]!.refresh())).code).toBe('unauthorized');
  });

  it('ignores its body, whatever its type', async () => {
    const { device } = await signedIn();
    const response = await device.revoke('?target=others', {
      rawBody: 'x'.repeat(70 * 1024),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(response.status).toBe(204);
  });
});
