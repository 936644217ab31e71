import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useSession } from '../../src/react';
import type { UseSessionResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

interface AppProfile extends Record<string, unknown> {
  name: string;
}

let latest: UseSessionResult<AppProfile> | undefined;
const seen: UseSessionResult<AppProfile>[] = [];

function Probe() {
  const result = useSession<AppProfile>();
  latest = result;
  seen.push(result);
  return (
    <p>
      {result.status}
      {result.reason ? ` (${result.reason})` : ''}
      {result.profile ? ` as ${result.profile.name}` : ''}
    </p>
  );
}

afterEach(() => {
  latest = undefined;
  seen.length = 0;
});

describe('useSession', () => {
  it('goes from loading to unauthenticated when nobody is signed in', async () => {
    session = createTestSession();
    renderWithSession(<Probe />, { client: session.client });
    expect(seen[0]).toMatchObject({ status: 'loading', user: null, profile: null, error: null });
    await screen.findByText('unauthenticated');
    expect(latest).toMatchObject({ sessionId: null, userId: null, reason: null });
  });

  it('goes from loading to authenticated with the user and a typed profile', async () => {
    session = createTestSession({
      user: { identifier: 'ada@example.com', password: 'pw', profile: { name: 'Ada' } },
    });
    const user = await session.signIn();
    await session.client.dispose();
    renderWithSession(<Probe />, { client: session.openTab() });
    await screen.findByText('authenticated as Ada');
    expect(latest).toMatchObject({
      status: 'authenticated',
      sessionId: user.sessionId,
      userId: 'ada@example.com',
      profile: { name: 'Ada' },
      error: null,
      reason: null,
    });
    expect(latest!.user?.accessToken).toEqual(expect.any(String));
  });

  it('shows an error state with a typed error when the server fails, without signing out', async () => {
    let t = Date.UTC(2030, 0, 1);
    session = createTestSession({ now: () => t });
    await session.signIn();
    await session.client.dispose();
    session.server.faults.add({ path: '/refresh', status: 503, times: 5 });
    renderWithSession(<Probe />, { client: session.openTab() });
    await screen.findByText('error');
    expect(latest!.error).toMatchObject({ code: 'server_error', retryable: true });

    session.server.faults.clear();
    t += 120_000; // past the client's backoff
    await act(async () => {
      await latest!.refresh();
    });
    expect(screen.getByText('authenticated as Test User')).toBeTruthy();
    expect(latest!.error).toBeNull();
  });

  it('turns unauthenticated with reason "logout" after logout', async () => {
    session = createTestSession();
    await session.signIn();
    renderWithSession(<Probe />, { client: session.client });
    await screen.findByText('authenticated as Test User');
    await act(() => latest!.logout());
    expect(screen.getByText('unauthenticated (logout)')).toBeTruthy();
  });

  it('follows a sign-in that happens after mount', async () => {
    session = createTestSession();
    renderWithSession(<Probe />, { client: session.client });
    await screen.findByText('unauthenticated');
    await act(() => session.signIn());
    expect(screen.getByText('authenticated as Test User')).toBeTruthy();
  });

  it('signs out when another client instance of this browser signs out', async () => {
    session = createTestSession();
    await session.signIn();
    const otherTab = session.openTab();
    await otherTab.refresh();
    renderWithSession(<Probe />, { client: session.client });
    await screen.findByText('authenticated as Test User');
    await act(() => otherTab.logout());
    await screen.findByText('unauthenticated (logout)');
  });

  it('learns that another device revoked this session at the next server call', async () => {
    session = createTestSession();
    await session.signIn();
    const phone = await session.addDevice({ deviceType: 'mobile' });
    renderWithSession(<Probe />, { client: session.client });
    await screen.findByText('authenticated as Test User');
    await phone.client.revokeSessions('others');
    await act(async () => {
      await session.client.listSessions().catch(() => {});
    });
    await screen.findByText('unauthenticated (revoked)');
  });

  it('keeps refresh and logout stable across renders', async () => {
    session = createTestSession();
    await session.signIn();
    renderWithSession(<Probe />, { client: session.client });
    const first = seen[0]!;
    await act(() => session.client.refresh().then(() => session.client.invalidateCache()));
    await act(() => session.client.refresh());
    await waitFor(() => expect(latest!.user?.accessToken).not.toBe(first.user?.accessToken));
    expect(latest!.refresh).toBe(first.refresh);
    expect(latest!.logout).toBe(first.logout);
  });

  it('returns the same object while the snapshot does not change', async () => {
    session = createTestSession();
    const view = renderWithSession(<Probe />, { client: session.client });
    await screen.findByText('unauthenticated');
    const before = latest;
    view.rerender(<Probe />);
    expect(latest).toBe(before);
  });
});
