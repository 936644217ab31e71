import { describe, expect, it } from 'vitest';
import { ADA, createWorld } from './helpers/world';

describe('smoke', () => {
  it('logs in and refreshes', async () => {
    const w = createWorld();
    const tab = w.device().tab();
    const { user } = await tab.loginWithPassword(ADA);
    expect(user.userId).toBe('usr_ada');
    expect(tab.getSnapshot().status).toBe('authenticated');
    w.advance(290);
    const t2 = await tab.getAccessToken();
    expect(t2).not.toBe(user.accessToken);
    expect(w.count('/refresh')).toBe(1);
    const page = await tab.listSessions();
    expect(page.sessions[0]?.isCurrent).toBe(true);
    await tab.logout();
    expect(tab.getSnapshot()).toMatchObject({ status: 'unauthenticated', reason: 'logout' });
    expect(w.count('/revoke', 204)).toBe(1);
  });
});
