import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionClient } from '../../src/client';
import { useRevoke, useSession, useSessions } from '../../src/react';
import type { UseRevokeResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { countRequests, holdRevocations, renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

let revoke: UseRevokeResult;
function Table(props: { limit?: number; offset?: number }) {
  const { sessions, total } = useSessions(props);
  const { status } = useSession();
  revoke = useRevoke();
  return (
    <section aria-label={`${status}, ${total} sessions`}>
      <ul>
        {sessions.map((row) => (
          <li key={row.id}>
            {row.id}
            {revoke.isRevoking({ session: row.id }) ? ' (revoking)' : ''}
          </li>
        ))}
      </ul>
      {revoke.error ? <p role="alert">{revoke.error.code}</p> : null}
    </section>
  );
}

const rowIds = () => screen.queryAllByRole('listitem').map((item) => item.textContent);

/** This device signed in, then three other devices, newest first in the list. */
async function fourDevices(): Promise<{ me: string; others: string[] }> {
  let t = Date.UTC(2030, 0, 1);
  session = createTestSession({ now: () => t });
  const me = (await session.signIn()).sessionId;
  const others: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    t += 1000;
    others.unshift((await session.addDevice()).sessionId);
  }
  return { me, others };
}

async function renderTable(client: SessionClient, queryClient?: QueryClient) {
  const view = renderWithSession(<Table />, { client, ...(queryClient ? { queryClient } : {}) });
  await waitFor(() => expect(rowIds()).toHaveLength(4));
  return view;
}

describe('useRevoke', () => {
  it('removes the row at once, shows it pending, and keeps it gone after the server confirms', async () => {
    const { me, others } = await fourDevices();
    const [a, b, c] = others as [string, string, string];
    const held = holdRevocations(session.client);
    await renderTable(held.client);

    act(() => revoke.mutate({ session: b }));
    await waitFor(() => expect(rowIds()).toEqual([a, c, me]));
    expect(screen.getByLabelText('authenticated, 3 sessions')).toBeTruthy();
    expect(revoke.isRevoking({ session: b })).toBe(true);
    expect(revoke.pendingTargets).toEqual([{ session: b }]);

    held.release({ session: b });
    await waitFor(() => expect(revoke.isSuccess).toBe(true));
    await waitFor(() => expect(revoke.pendingTargets).toEqual([]));
    expect(rowIds()).toEqual([a, c, me]);
    expect(
      (await session.server.admin.listUserSessions('test@example.com')).map((row) => row.id),
    ).toEqual([a, c, me]);
  });

  it('puts the row back in its place and shows the error when the server refuses', async () => {
    const { me, others } = await fourDevices();
    const [a, b, c] = others as [string, string, string];
    const held = holdRevocations(session.client);
    await renderTable(held.client);

    act(() => revoke.mutate({ session: b }));
    await waitFor(() => expect(rowIds()).toEqual([a, c, me]));
    session.server.faults.add({ path: '/me/revoke', status: 500 });
    held.release({ session: b });
    await screen.findByRole('alert');
    expect(screen.getByRole('alert').textContent).toBe('server_error');
    expect(rowIds()).toEqual([a, b, c, me]);
    expect(screen.getByLabelText('authenticated, 4 sessions')).toBeTruthy();
  });

  it('rolls back only the failed row while another row is still being removed', async () => {
    const { me, others } = await fourDevices();
    const [a, b, c] = others as [string, string, string];
    const held = holdRevocations(session.client);
    await renderTable(held.client);

    act(() => revoke.mutate({ session: b }));
    act(() => revoke.mutate({ session: c }));
    await waitFor(() => expect(rowIds()).toEqual([a, me]));
    expect(revoke.pendingTargets).toEqual([{ session: b }, { session: c }]);

    // b fails while c is still in flight: b comes back, c stays gone.
    session.server.faults.add({ path: '/me/revoke', status: 503 });
    held.release({ session: b });
    await waitFor(() => expect(rowIds()).toEqual([a, b, me]));
    expect(screen.getByLabelText('authenticated, 3 sessions')).toBeTruthy();
    expect(revoke.isRevoking({ session: c })).toBe(true);
    expect(revoke.isRevoking({ session: b })).toBe(false);

    session.server.faults.clear();
    held.release({ session: c });
    await waitFor(() => expect(revoke.pendingTargets).toEqual([]));
    await waitFor(() => expect(rowIds()).toEqual([a, b, me]));
    expect(
      (await session.server.admin.listUserSessions('test@example.com')).map((row) => row.id),
    ).toEqual([a, b, me]);
  });

  it('refetches once the last revocation settles, not while another is in flight', async () => {
    const { others } = await fourDevices();
    const [a, b] = others as [string, string];
    const held = holdRevocations(session.client);
    const lists = countRequests(session.server, '/me/list');
    await renderTable(held.client);
    expect(lists).toHaveLength(1);

    act(() => revoke.mutate({ session: a }));
    act(() => revoke.mutate({ session: b }));
    await waitFor(() => expect(rowIds()).toHaveLength(2));
    held.release({ session: a });
    await waitFor(() => expect(revoke.pendingTargets).toEqual([{ session: b }]));
    expect(lists).toHaveLength(1);
    held.release({ session: b });
    await waitFor(() => expect(lists).toHaveLength(2));
    expect(rowIds()).toHaveLength(2);
  });

  it('removes the row from every cached page', async () => {
    const { me, others } = await fourDevices();
    const [a, b, c] = others as [string, string, string];
    const queryClient = new QueryClient();
    const held = holdRevocations(session.client);
    const view = renderWithSession(<Table limit={2} offset={0} />, {
      client: held.client,
      queryClient,
    });
    await waitFor(() => expect(rowIds()).toEqual([a, b]));
    view.rerender(<Table limit={2} offset={2} />);
    await waitFor(() => expect(rowIds()).toEqual([c, me]));

    act(() => revoke.mutate('others'));
    await waitFor(() => expect(rowIds()).toEqual([me]));
    const pages = queryClient
      .getQueryCache()
      .findAll({ queryKey: ['react-dpop-session', 'sessions'] })
      .map((query) => query.state.data as { sessions: { id: string }[]; total: number });
    expect(pages.map((page) => page.sessions.map((row) => row.id))).toEqual([[], [me]]);
    expect(pages.map((page) => page.total)).toEqual([1, 1]);
    held.release('others');
    await waitFor(() => expect(revoke.isSuccess).toBe(true));
  });

  it('counts a 404 for a session id as done: it is already gone', async () => {
    const { me, others } = await fourDevices();
    const [a, b, c] = others as [string, string, string];
    await renderTable(session.client);
    // Another device ends b first; this list still shows it.
    const phone = await session.addDevice();
    await phone.client.revokeSessions({ session: b });

    act(() => revoke.mutate({ session: b }));
    await waitFor(() => expect(revoke.isSuccess).toBe(true));
    expect(revoke.error).toBeNull();
    await waitFor(() => expect(rowIds().sort()).toEqual([phone.sessionId, a, c, me].sort()));
  });

  it('shows the error when a 404 for a session id lacks the kit error body (no such route)', async () => {
    // A wrong base URL or a backend without /me/revoke: its 404 page is not a kit error.
    session = createTestSession({
      fetch: (inner) => (input, init) =>
        String(input instanceof Request ? input.url : input).includes('/me/revoke')
          ? Promise.resolve(new Response('<h1>Not Found</h1>', { status: 404 }))
          : inner(input, init),
    });
    const me = (await session.signIn()).sessionId;
    const phone = await session.addDevice();
    renderWithSession(<Table />, { client: session.client });
    await waitFor(() => expect(rowIds()).toHaveLength(2));

    act(() => revoke.mutate({ session: phone.sessionId }));
    await screen.findByRole('alert');
    expect(revoke.error).toMatchObject({ code: 'protocol_error' });
    expect(rowIds().sort()).toEqual([phone.sessionId, me].sort());
  });

  it('signs this device out once the server confirms a target that includes it', async () => {
    const { others } = await fourDevices();
    const held = holdRevocations(session.client);
    await renderTable(held.client);

    act(() => revoke.mutate('all'));
    await waitFor(() => expect(rowIds()).toEqual([]));
    // Not before the server confirms.
    expect(screen.getByLabelText('authenticated, 0 sessions')).toBeTruthy();
    held.release('all');
    await screen.findByLabelText('unauthenticated, 0 sessions');
    expect(session.client.getSnapshot().reason).toBe('logout');
    expect(await session.server.admin.listUserSessions('test@example.com')).toEqual([]);
    expect(others).toHaveLength(3);
  });

  it('signs this device out when it revokes its own session by id', async () => {
    const { me } = await fourDevices();
    await renderTable(session.client);
    act(() => revoke.mutate({ session: me }));
    await screen.findByLabelText('unauthenticated, 0 sessions');
  });

  it('keeps this device signed in and restores the rows when revoking "mine" fails', async () => {
    const { me, others } = await fourDevices();
    const held = holdRevocations(session.client);
    await renderTable(held.client);

    act(() => revoke.mutate('mine'));
    await waitFor(() => expect(rowIds()).toEqual(others));
    session.server.faults.add({ path: '/me/revoke', status: 429, retryAfterSeconds: 30 });
    held.release('mine');
    await screen.findByRole('alert');
    expect(revoke.error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 30 });
    expect(rowIds()).toEqual([...others, me]);
    expect(screen.getByLabelText('authenticated, 4 sessions')).toBeTruthy();
  });

  it('tells targets apart in isRevoking', async () => {
    const { others } = await fourDevices();
    const held = holdRevocations(session.client);
    await renderTable(held.client);
    act(() => revoke.mutate('others'));
    await waitFor(() => expect(revoke.isRevoking('others')).toBe(true));
    expect(revoke.isRevoking('all')).toBe(false);
    expect(revoke.isRevoking({ session: others[0]! })).toBe(false);
    held.release('others');
    await waitFor(() => expect(revoke.isRevoking('others')).toBe(false));
  });
});
