import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { useSessions } from '../../src/react';
import type { UseSessionsOptions, UseSessionsResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { countRequests, renderCounter, renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

let latest: UseSessionsResult | undefined;
function Sessions(props: UseSessionsOptions) {
  const result = useSessions(props);
  latest = result;
  return (
    <ul aria-label={`sessions ${result.status} ${result.fetchStatus}`}>
      {result.sessions.map((row) => (
        <li key={row.id}>
          {row.id}
          {row.isCurrent ? ' (this device)' : ''}
        </li>
      ))}
    </ul>
  );
}

const rowIds = () => screen.queryAllByRole('listitem').map((item) => item.textContent);

describe('useSessions', () => {
  it('loads the page of sessions, newest activity first, marking this device', async () => {
    let t = Date.UTC(2030, 0, 1);
    session = createTestSession({ now: () => t });
    const me = await session.signIn();
    t += 1000;
    const phone = await session.addDevice({ deviceType: 'mobile', country: 'FR' });
    renderWithSession(<Sessions />, { client: session.client });
    expect(latest).toMatchObject({ status: 'pending', sessions: [], total: 0 });
    await screen.findByRole('list', { name: 'sessions success idle' });
    expect(rowIds()).toEqual([phone.sessionId, `${me.sessionId} (this device)`]);
    expect(latest!.total).toBe(2);
    expect(latest!.sessions[0]).toMatchObject({
      deviceType: 'mobile',
      countryCode: 'FR',
      isCurrent: false,
    });
    expect(latest!.sessions[1]!.lastSeenAt).toBeInstanceOf(Date);
  });

  it('pages with limit and offset and keeps the previous page while the next loads', async () => {
    let t = Date.UTC(2030, 0, 1);
    session = createTestSession({ now: () => t });
    await session.signIn();
    for (let i = 0; i < 4; i += 1) {
      t += 1000;
      await session.addDevice();
    }
    const view = renderWithSession(<Sessions limit={2} offset={0} />, { client: session.client });
    await screen.findByRole('list', { name: 'sessions success idle' });
    const firstPage = rowIds();
    expect(firstPage).toHaveLength(2);
    expect(latest!.total).toBe(5);

    view.rerender(<Sessions limit={2} offset={2} />);
    expect(latest!.isPlaceholderData).toBe(true);
    expect(rowIds()).toEqual(firstPage);
    await waitFor(() => expect(latest!.isPlaceholderData).toBe(false));
    expect(rowIds()).toHaveLength(2);
    expect(rowIds()).not.toEqual(expect.arrayContaining(firstPage));

    view.rerender(<Sessions limit={2} offset={4} />);
    await waitFor(() => expect(rowIds()).toHaveLength(1));
    expect(latest!.total).toBe(5);
  });

  it('is disabled while signed out: no request, no data', async () => {
    session = createTestSession();
    const lists = countRequests(session.server, '/me/list');
    renderWithSession(<Sessions />, { client: session.client });
    await waitFor(() => expect(session.client.getSnapshot().status).toBe('unauthenticated'));
    expect(latest).toMatchObject({
      status: 'pending',
      fetchStatus: 'idle',
      sessions: [],
      total: 0,
    });
    expect(lists).toEqual([]);
  });

  it('can be disabled by the app', async () => {
    session = createTestSession();
    await session.signIn();
    const lists = countRequests(session.server, '/me/list');
    renderWithSession(<Sessions enabled={false} />, { client: session.client });
    await act(() => Promise.resolve());
    expect(latest!.fetchStatus).toBe('idle');
    expect(lists).toEqual([]);
  });

  it('clears its cache on sign-out and never shows the old rows again', async () => {
    session = createTestSession();
    await session.signIn();
    const queryClient = new QueryClient();
    renderWithSession(<Sessions />, { client: session.client, queryClient });
    await screen.findByRole('list', { name: 'sessions success idle' });
    expect(rowIds()).toHaveLength(1);

    await act(() => session.client.logout());
    expect(rowIds()).toEqual([]);
    expect(latest!.fetchStatus).toBe('idle');
    const cached = queryClient
      .getQueryCache()
      .findAll({ queryKey: ['react-dpop-session', 'sessions'] });
    expect(cached.filter((query) => query.state.data !== undefined)).toEqual([]);
  });

  it("loads the new user's sessions after signing in again", async () => {
    session = createTestSession({
      server: { users: [{ identifier: 'bob@example.com', password: 'pw' }] },
    });
    await session.signIn();
    renderWithSession(<Sessions />, { client: session.client });
    await screen.findByRole('list', { name: 'sessions success idle' });
    const first = rowIds();
    await act(() => session.client.logout());
    const bob = await act(() => session.signIn('bob@example.com'));
    await waitFor(() => expect(rowIds()).toEqual([`${bob.sessionId} (this device)`]));
    expect(rowIds()).not.toEqual(first);
  });

  it('surfaces a typed error and does not retry a refusal', async () => {
    session = createTestSession();
    await session.signIn();
    const lists = countRequests(session.server, '/me/list');
    renderWithSession(<Sessions limit={1000} />, { client: session.client });
    await screen.findByRole('list', { name: 'sessions error idle' });
    expect(latest!.error).toMatchObject({ code: 'invalid_pagination_limit' });
    expect(lists).toEqual([400]);
  });

  it('does not re-render on a token refresh', async () => {
    let t = Date.UTC(2030, 0, 1);
    session = createTestSession({ now: () => t });
    await session.signIn();
    const counter = renderCounter();
    function Total() {
      counter.count();
      return <p>total {useSessions().total}</p>;
    }
    renderWithSession(<Total />, { client: session.client });
    await screen.findByText('total 1');
    const before = counter.renders;
    t += 290_000;
    await act(() => session.client.getAccessToken());
    expect(counter.renders).toBe(before);
  });
});
