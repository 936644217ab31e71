import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { useRevoke, useSessions } from '../../src/react';
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
function Table() {
  const { sessions } = useSessions();
  revoke = useRevoke();
  shown.push(sessions.map((row) => row.id));
  return (
    <ul>
      {sessions.map((row) => (
        <li key={row.id}>{row.id}</li>
      ))}
      {revoke.error ? <p role="alert">{revoke.error.code}</p> : null}
    </ul>
  );
}

describe('useRevoke rollback', () => {
  it('leaves a page the server already confirmed alone, even when it equals the optimistic one', async () => {
    let t = Date.UTC(2030, 0, 1);
    session = createTestSession({ now: () => t });
    const me = (await session.signIn()).sessionId;
    const others: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      t += 1000;
      others.unshift((await session.addDevice()).sessionId);
    }
    const [a, b, c] = others as [string, string, string];
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
});
