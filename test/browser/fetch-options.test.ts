import { afterEach, describe, expect, it } from 'vitest';
import { createSessionClient, type SessionClient } from '../../src/client';
import { createBrowserBridge, createSessionServer } from '../../src/server';

const ADA = { identifier: 'ada@example.com', password: 'correct horse' };
const API = 'http://api.example';

const clients: SessionClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

describe('session client fetch in Chromium', () => {
  it("keeps a Request input's fetch options (redirect, cache, keepalive, mode, referrer policy, integrity)", async () => {
    const server = createSessionServer({ users: [ADA], rateLimit: false });
    const bridge = createBrowserBridge(server);
    const sent: RequestInit[] = [];
    const client = createSessionClient({
      baseUrl: 'http://localhost',
      namespace: 'fetch-options-' + crypto.randomUUID(),
      authorizedOrigins: ['http://localhost', API],
      fetch: async (input, init) => {
        if (String(input).startsWith(API)) {
          sent.push(init ?? {});
          return new Response('ok');
        }
        return bridge.fetch(input, init);
      },
    });
    clients.push(client);
    await client.loginWithPassword(ADA);
    const options = {
      redirect: 'manual',
      cache: 'no-store',
      keepalive: true,
      mode: 'same-origin',
      referrerPolicy: 'no-referrer',
      integrity: 'sha256-abc',
    } as const;
    await client.fetch(new Request(`${API}/orders`, options));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject(options);
    expect(new Headers(sent[0]!.headers).get('authorization')).toMatch(/^DPoP /);
  });
});
