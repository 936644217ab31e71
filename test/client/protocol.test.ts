import { describe, expect, it } from 'vitest';
import { ProtocolError, ServerError } from '../../src/client';
import { ADA, createWorld } from './helpers/world';

/** A device whose answers from `path` are rewritten by `edit` (the server still handles the request). */
const tamper = (
  path: string,
  edit: (body: Record<string, unknown>, res: Response) => Response | Record<string, unknown>,
) => {
  const w = createWorld();
  const device = w.device();
  const tab = device.tab({
    fetch: async (input, init) => {
      const res = await device.bridge.fetch(input, init);
      if (!new URL(String(input)).pathname.endsWith(path)) return res;
      const out = edit(
        (await res
          .clone()
          .json()
          .catch(() => ({}))) as Record<string, unknown>,
        res,
      );
      return out instanceof Response
        ? out
        : Response.json(out, { status: res.status, headers: res.headers });
    },
  });
  return { w, tab };
};

describe('protocol', () => {
  it('reads sessions in camelCase with parsed dates and marks the current one', async () => {
    const w = createWorld();
    const phone = w.device({ headers: { 'cf-ipcountry': 'FR' } }).tab();
    const laptop = w.device().tab();
    await laptop.loginWithPassword(ADA);
    w.advance(60);
    const { user } = await phone.loginWithPassword(ADA);
    const page = await phone.listSessions({ limit: 10, offset: 0 });
    expect(page).toMatchObject({ total: 2, limit: 10, offset: 0 });
    const [first, second] = page.sessions;
    expect(first).toMatchObject({
      id: user.sessionId,
      isCurrent: true,
      deviceType: 'desktop',
      countryCode: 'FR',
      browserName: 'Chrome',
      createdAt: new Date(w.now()),
    });
    expect(first!.lastSeenAt).toBeInstanceOf(Date);
    expect(first!.expiresAt.getTime()).toBeGreaterThan(w.now());
    expect(second!.isCurrent).toBe(false);
  });

  it('pages with limit and offset and maps bad values to BadRequestError', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await tab.loginWithPassword(ADA);
    await w.device().tab().loginWithPassword(ADA);
    expect((await tab.listSessions({ limit: 1, offset: 1 })).sessions).toHaveLength(1);
    await expect(tab.listSessions({ limit: 0 })).rejects.toMatchObject({
      code: 'invalid_pagination_limit',
    });
    await expect(tab.listSessions({ offset: -1 })).rejects.toMatchObject({
      code: 'invalid_pagination_offset',
    });
  });

  it('folds unknown device types into "unknown"', async () => {
    const { tab } = tamper('/me/list', (b) => ({
      ...b,
      sessions: (b.sessions as object[]).map((s) => ({ ...s, device_type: 'fridge' })),
    }));
    await tab.loginWithPassword(ADA);
    expect((await tab.listSessions()).sessions[0]!.deviceType).toBe('unknown');
  });

  it('answers an invalid date with ProtocolError', async () => {
    const { tab } = tamper('/me/list', (b) => ({
      ...b,
      sessions: (b.sessions as object[]).map((s) => ({ ...s, last_seen_at: 'yesterday' })),
    }));
    await tab.loginWithPassword(ADA);
    await expect(tab.listSessions()).rejects.toBeInstanceOf(ProtocolError);
  });

  it('answers a malformed 2xx body with ProtocolError and keeps the session', async () => {
    const { w, tab } = tamper('/refresh', (b) => ({ ...b, expires_at: 'soon' }));
    await tab.loginWithPassword(ADA);
    w.advance(300);
    await expect(tab.refresh()).rejects.toMatchObject({ code: 'protocol_error' });
    expect(tab.getSnapshot().status).toBe('authenticated');
  });

  it('answers a 2xx that is not JSON with ProtocolError', async () => {
    const { tab } = tamper('/login/email/password', () => new Response('<html>', { status: 200 }));
    await expect(tab.loginWithPassword(ADA)).rejects.toBeInstanceOf(ProtocolError);
  });

  it('answers a malformed 4xx error body with ProtocolError', async () => {
    const { tab } = tamper(
      '/login/email/password',
      (_b, res) => new Response('nope', { status: res.status }),
    );
    await expect(tab.loginWithPassword({ ...ADA, password: 'wrong' })).rejects.toBeInstanceOf(
      ProtocolError,
    );
  });

  it('maps a refused password to UnauthorizedError', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await expect(tab.loginWithPassword({ ...ADA, password: 'wrong' })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    expect(tab.getSnapshot().status).not.toBe('authenticated');
  });

  it('answers any 5xx with ServerError, whatever its body', async () => {
    const { tab } = tamper('/login/email/password', () =>
      Response.json({ code: 'unauthorized', message: 'x', type: 'unauthorized' }, { status: 500 }),
    );
    await expect(tab.loginWithPassword(ADA)).rejects.toBeInstanceOf(ServerError);
  });

  it('checks its inputs before any request', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    await expect(tab.loginWithPassword({ identifier: ' ', password: 'x' })).rejects.toBeInstanceOf(
      TypeError,
    );
    await expect(tab.finalizeLogin('')).rejects.toBeInstanceOf(TypeError);
    expect(w.log).toHaveLength(0);
  });
});

describe('HTTP dates', () => {
  it('reads every HTTP-date form as GMT, whatever the local time zone', async () => {
    const { parseRetryAfter } = await import('../../src/client/protocol');
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const now = Date.UTC(1994, 10, 6, 8, 49, 17);
      for (const form of [
        'Sun, 06 Nov 1994 08:49:37 GMT', // IMF-fixdate
        'Sunday, 06-Nov-94 08:49:37 GMT', // RFC 850
        'Sun Nov  6 08:49:37 1994', // asctime, which names no zone
      ])
        expect(parseRetryAfter(form, now)).toBe(20);
    } finally {
      process.env.TZ = zone;
    }
  });
});
