import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useLogin, useLogout, useSession } from '../../src/react';
import type { UseLoginResult, UseLogoutResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { countRequests, renderWithSession } from './helpers/session';

let session: TestSession;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

let login: UseLoginResult<{ name: string }>;
let logout: UseLogoutResult;
function Auth() {
  login = useLogin<{ name: string }>();
  logout = useLogout();
  const { status } = useSession();
  return (
    <p>
      {status}
      {login.isPending ? ', signing in' : ''}
      {logout.isPending ? ', signing out' : ''}
      {login.error ? `, ${login.error.code}` : ''}
    </p>
  );
}

describe('useLogin', () => {
  it('signs in and returns the user', async () => {
    session = createTestSession();
    renderWithSession(<Auth />, { client: session.client });
    await screen.findByText('unauthenticated');
    act(() => login.mutate({ identifier: 'test@example.com', password: 'test' }));
    await screen.findByText('authenticated');
    expect(login.data?.user).toMatchObject({
      userId: 'test@example.com',
      profile: { name: 'Test User' },
    });
  });

  it('shows pending while the password step and finalize run', async () => {
    session = createTestSession();
    renderWithSession(<Auth />, { client: session.client });
    await screen.findByText('unauthenticated');
    session.server.faults.add({ path: '/login/email/password', latencyMs: 50 });
    act(() => login.mutate({ identifier: 'test@example.com', password: 'test' }));
    await screen.findByText('unauthenticated, signing in');
    await screen.findByText('authenticated');
  });

  it('fails with a typed error on a wrong password and stays signed out', async () => {
    session = createTestSession();
    renderWithSession(<Auth />, { client: session.client });
    await screen.findByText('unauthenticated');
    act(() => login.mutate({ identifier: 'test@example.com', password: 'nope' }));
    await screen.findByText('unauthenticated, unauthorized');
    expect(login.error).toMatchObject({ code: 'unauthorized' });
  });
});

describe('useLogout', () => {
  it('signs out this device at once and ends the session at the server', async () => {
    session = createTestSession();
    await session.signIn();
    const revokes = countRequests(session.server, '/revoke');
    renderWithSession(<Auth />, { client: session.client });
    await screen.findByText('authenticated');
    act(() => logout.mutate());
    await waitFor(() => expect(logout.isSuccess).toBe(true));
    expect(screen.getByText('unauthenticated')).toBeTruthy();
    expect(revokes).toEqual([204]);
    expect(await session.server.admin.listUserSessions('test@example.com')).toEqual([]);
  });
});
