import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionPage } from '../../src/client/types';
import { SessionProvider, sessionQueryKeys, useRevoke, useSessions } from '../../src/react';
import type { UseRevokeResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { countRequests, holdRevocations } from './helpers/session';

const open: TestSession[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all(open.splice(0).map((session) => session.dispose()));
});

const revokes: Record<string, UseRevokeResult> = {};
function List({ name }: { name: string }) {
  const { sessions } = useSessions();
  const revoke = (revokes[name] = useRevoke());
  return (
    <ul aria-label={name}>
      {sessions.map((row) => (
        <li key={row.id}>
          {row.id}
          {revoke.isRevoking({ session: row.id }) ? ' (revoking)' : ''}
        </li>
      ))}
    </ul>
  );
}

const rowsOf = (name: string) =>
  within(screen.getByRole('list', { name }))
    .queryAllByRole('listitem')
    .map((item) => item.textContent);

/** An account signed in on this device and on two others. */
async function accountOf(identifier: string): Promise<TestSession> {
  const session = createTestSession({ user: { identifier, password: 'pw' } });
  open.push(session);
  await session.signIn();
  await session.addDevice();
  await session.addDevice();
  return session;
}

/** Accounts A and B side by side, each under its own provider, on one app QueryClient. */
async function renderTwoAccounts() {
  const a = await accountOf('a@example.com');
  const b = await accountOf('b@example.com');
  // A's revocations wait for the test to release them.
  const heldA = holdRevocations(a.client);
  const queryClient = new QueryClient();
  render(
    <>
      <SessionProvider client={heldA.client} queryClient={queryClient}>
        <List name="A" />
      </SessionProvider>
      <SessionProvider client={b.client} queryClient={queryClient}>
        <List name="B" />
      </SessionProvider>
    </>,
  );
  await waitFor(() => expect(rowsOf('A')).toHaveLength(3));
  await waitFor(() => expect(rowsOf('B')).toHaveLength(3));
  return { a, b, heldA, queryClient };
}

/** The sessions pages with data in the cache, of any account. */
const cachedPages = (queryClient: QueryClient) =>
  queryClient
    .getQueriesData<SessionPage>({ queryKey: sessionQueryKeys.allSessions() })
    .flatMap(([, page]) => (page ? [page] : []));

describe('two SessionProviders on one QueryClient', () => {
  it("leaves the other account's rows alone when one account signs out its other sessions", async () => {
    const { b, heldA } = await renderTwoAccounts();
    const before = rowsOf('B');

    act(() => revokes.A!.mutate('others'));
    await waitFor(() => expect(rowsOf('A')).toHaveLength(1));
    expect(rowsOf('B')).toEqual(before);
    expect(await b.server.admin.listUserSessions('b@example.com')).toHaveLength(3);

    heldA.release('others');
    await waitFor(() => expect(revokes.A!.isSuccess).toBe(true));
    expect(rowsOf('B')).toEqual(before);
  });

  it("shows one account's pending revocations in that account only", async () => {
    const { heldA } = await renderTwoAccounts();

    act(() => revokes.A!.mutate('others'));
    await waitFor(() => expect(revokes.A!.isRevoking('others')).toBe(true));
    expect(revokes.A!.pendingTargets).toEqual(['others']);
    expect(revokes.B!.isRevoking('others')).toBe(false);
    expect(revokes.B!.pendingTargets).toEqual([]);

    heldA.release('others');
    await waitFor(() => expect(revokes.A!.pendingTargets).toEqual([]));
  });

  it("refetches only the revoking account's list once its revocation settles", async () => {
    const { b, heldA } = await renderTwoAccounts();
    const listsOfB = countRequests(b.server, '/me/list');

    act(() => revokes.A!.mutate('others'));
    await waitFor(() => expect(heldA.isHeld('others')).toBe(true));
    heldA.release('others');
    await waitFor(() => expect(revokes.A!.isSuccess).toBe(true));
    await waitFor(() => expect(rowsOf('A')).toHaveLength(1));
    expect(listsOfB).toEqual([]);
  });

  it("drops only the signed-out account's cached pages", async () => {
    const { a, queryClient } = await renderTwoAccounts();
    expect(cachedPages(queryClient)).toHaveLength(2);

    await act(() => a.client.logout());
    await waitFor(() => expect(rowsOf('A')).toEqual([]));
    const left = cachedPages(queryClient);
    expect(left).toHaveLength(1);
    expect(left[0]!.sessions.map((row) => row.id)).toEqual(rowsOf('B'));
    expect(rowsOf('B')).toHaveLength(3);
  });
});
