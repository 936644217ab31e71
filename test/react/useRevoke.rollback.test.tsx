import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { useRevoke, useSessions } from '../../src/react';
import type { RevokeTarget } from '../../src/client';
import type { UseRevokeResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { holdRevocations, renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

let revoke: UseRevokeResult;
/** Every list of ids the component rendered, in order. */
let shown: string[][] = [];
function Table(props: { limit?: number }) {
  const { sessions, total } = useSessions(props);
  revoke = useRevoke();
  shown.push(sessions.map((row) => row.id));
  return (
    <section aria-label={`${total} sessions`}>
      <ul>
        {sessions.map((row) => (
          <li key={row.id}>{row.id}</li>
        ))}
      </ul>
      {revoke.error ? <p role="alert">{revoke.error.code}</p> : null}
    </section>
  );
}

/** This device signed in, then three other devices, newest first in the list. */
async function fourDevices(): Promise<{ me: string; others: [string, string, string] }> {
  let t = Date.UTC(2030, 0, 1);
  session = createTestSession({ now: () => t });
  const me = (await session.signIn()).sessionId;
  const others: string[] = [];
  for (let i = 0; i < 3; i += 1) {
    t += 1000;
    others.unshift((await session.addDevice()).sessionId);
  }
  return { me, others: others as [string, string, string] };
}

const totalShown = (total: number) => screen.getByLabelText(`${total} sessions`);

/** Makes the next revocation the server answers fail, then lets `target`'s request go. */
function failNext(held: ReturnType<typeof holdRevocations>, target: RevokeTarget) {
  session.server.faults.add({ path: '/me/revoke', status: 500, times: 1 });
  held.release(target);
}

describe('useRevoke rollback', () => {
  it('leaves a page the server already confirmed alone, even when it equals the optimistic one', async () => {
    const {
      me,
      others: [a, b, c],
    } = await fourDevices();
    const held = holdRevocations(session.client);
    const queryClient = new QueryClient();
    shown = [];
    renderWithSession(<Table />, { client: held.client, queryClient });
    await waitFor(() => expect(shown.at(-1)).toEqual([a, b, c, me]));

    act(() => revoke.mutate({ session: b }));
    await waitFor(() => expect(shown.at(-1)).toEqual([a, c, me]));
    // The session ends on the server by another way, and a refetch shows exactly the
    // optimistic page: from now on that page is the server's word.
    await session.client.revokeSessions({ session: b });
    await act(() => queryClient.refetchQueries());
    const confirmedAt = shown.length;

    // This revocation's own request then fails: its rollback must not bring b back.
    session.server.faults.add({ path: '/me/revoke', status: 500 });
    held.release({ session: b });
    await screen.findByRole('alert');
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    for (const ids of shown.slice(confirmedAt)) expect(ids).toEqual([a, c, me]);
  });

  it("keeps a row out when its own revocation fails while 'others' still removes it", async () => {
    const { me, others } = await fourDevices();
    const b = others[1];
    const held = holdRevocations(session.client);
    shown = [];
    renderWithSession(<Table />, { client: held.client });
    await waitFor(() => expect(shown.at(-1)).toHaveLength(4));

    act(() => revoke.mutate({ session: b }));
    act(() => revoke.mutate('others'));
    await waitFor(() => expect(shown.at(-1)).toEqual([me]));
    await waitFor(() => expect(held.isHeld('others')).toBe(true));

    failNext(held, { session: b });
    await waitFor(() => expect(revoke.isRevoking({ session: b })).toBe(false));
    expect(shown.at(-1)).toEqual([me]);
    expect(totalShown(1)).toBeTruthy();
    held.release('others');
    await waitFor(() => expect(revoke.pendingTargets).toEqual([]));
  });

  it('brings that row back with the rest when the revocation still removing it fails too', async () => {
    const { me, others } = await fourDevices();
    const held = holdRevocations(session.client);
    shown = [];
    renderWithSession(<Table />, { client: held.client });
    await waitFor(() => expect(shown.at(-1)).toHaveLength(4));
    act(() => revoke.mutate({ session: others[1] }));
    act(() => revoke.mutate('others'));
    await waitFor(() => expect(held.isHeld('others')).toBe(true));
    failNext(held, { session: others[1] });
    await waitFor(() => expect(revoke.isRevoking({ session: others[1] })).toBe(false));
    const failedAt = shown.length;

    failNext(held, 'others');
    await waitFor(() => expect(revoke.pendingTargets).toEqual([]));
    await waitFor(() => expect(shown.at(-1)).toEqual([...others, me]));
    expect(totalShown(4)).toBeTruthy();
    // Straight back whole, not only after the refetch.
    for (const ids of shown.slice(failedAt)) expect([[me], [...others, me]]).toContainEqual(ids);
  });

  it("brings back only the rows no pending revocation removes, with the total to match, when 'others' fails", async () => {
    const {
      me,
      others: [a, b, c],
    } = await fourDevices();
    const held = holdRevocations(session.client);
    const queryClient = new QueryClient();
    shown = [];
    renderWithSession(<Table />, { client: held.client, queryClient });
    await waitFor(() => expect(shown.at(-1)).toHaveLength(4));

    act(() => revoke.mutate('others'));
    act(() => revoke.mutate({ session: b }));
    await waitFor(() => expect(shown.at(-1)).toEqual([me]));
    await waitFor(() => expect(held.isHeld({ session: b })).toBe(true));

    failNext(held, 'others');
    await waitFor(() => expect(revoke.isRevoking('others')).toBe(false));
    expect(shown.at(-1)).toEqual([a, c, me]);
    expect(totalShown(3)).toBeTruthy();

    held.release({ session: b });
    await waitFor(() => expect(revoke.pendingTargets).toEqual([]));
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));
    expect(shown.at(-1)).toEqual([a, c, me]);
    expect(totalShown(3)).toBeTruthy();
  });

  it("keeps rows beyond the page counted out while 'all' is pending and 'others' fails", async () => {
    const {
      others: [a, b],
    } = await fourDevices();
    const held = holdRevocations(session.client);
    shown = [];
    renderWithSession(<Table limit={2} />, { client: held.client });
    await waitFor(() => expect(shown.at(-1)).toEqual([a, b]));
    expect(totalShown(4)).toBeTruthy();

    act(() => revoke.mutate('others'));
    act(() => revoke.mutate('all'));
    await waitFor(() => expect(held.isHeld('all')).toBe(true));
    expect(totalShown(0)).toBeTruthy();

    failNext(held, 'others');
    await waitFor(() => expect(revoke.isRevoking('others')).toBe(false));
    expect(shown.at(-1)).toEqual([]);
    expect(totalShown(0)).toBeTruthy();

    const failedAt = shown.length;
    failNext(held, 'all');
    await waitFor(() => expect(revoke.pendingTargets).toEqual([]));
    await waitFor(() => expect(shown.at(-1)).toEqual([a, b]));
    expect(totalShown(4)).toBeTruthy();
    for (const ids of shown.slice(failedAt)) expect([[], [a, b]]).toContainEqual(ids);
  });
});
