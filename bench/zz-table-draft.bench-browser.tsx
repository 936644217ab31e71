import { QueryClient } from '@tanstack/react-query';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { it } from 'vitest';
import { ActiveSessionsTable } from '../src/components';
import { SessionProvider, sessionQueryKeys } from '../src/react';
import { createTestSession } from '../src/testing';

it('trace', async () => {
  const session = createTestSession();
  const user = await session.signIn();
  const base = Date.now();
  const sessions = Array.from({ length: 100 }, (_, i) => ({
    id: i === 0 ? user.sessionId : `ses_${i}`, deviceType: 'mobile' as const, deviceModel: `Device ${i}`,
    osVersion: 'Android 16', browserName: 'Chrome', browserVersion: '131', countryCode: 'FR',
    createdAt: new Date(base - i * 3600e3), lastSeenAt: new Date(base - i * 60e3), expiresAt: new Date(base + 7 * 864e5), isCurrent: i === 0,
  }));
  for (const mode of ['real client', 'revoke never starts']) {
    const client = mode === 'real client' ? session.client : new Proxy(session.client, { get: (t, p) => (p === 'revokeSessions' ? () => new Promise(() => {}) : Reflect.get(t, p)) });
    const out: number[] = []; const renders: number[] = [];
    for (let run = 0; run < 8; run++) {
      const queryClient = new QueryClient();
      queryClient.setQueryData(sessionQueryKeys.sessions({ userId: user.userId, sessionId: user.sessionId }, { limit: 100, offset: 0 }), { sessions, total: 100, limit: 100, offset: 0 });
      const el = document.createElement('div'); document.body.append(el);
      const root = createRoot(el);
      const t0 = performance.now();
      flushSync(() => root.render(<SessionProvider client={client} queryClient={queryClient}><ActiveSessionsTable pageSize={100} confirm={false} /></SessionProvider>));
      renders.push(performance.now() - t0);
      session.server.faults.add({ path: '/me/revoke', latencyMs: 100000 });
      const button = el.querySelector<HTMLButtonElement>(`tbody tr:nth-child(${50 + run}) button`)!;
      const t1 = performance.now();
      button.click();
      await new Promise<void>((resolve) => { const obs = new MutationObserver(() => { if (el.querySelectorAll('tbody tr').length === 99) { obs.disconnect(); resolve(); } }); obs.observe(el, { childList: true, subtree: true }); });
      out.push(performance.now() - t1);
      root.unmount(); el.remove(); session.server.faults.clear();
    }
    console.log(mode, 'render', renders.map((r) => r.toFixed(1)).join(' '), '| removal', out.map((r) => r.toFixed(1)).join(' '));
  }
});
