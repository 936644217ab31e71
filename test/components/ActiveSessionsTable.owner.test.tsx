import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TestDeviceOptions } from '../../src/testing';
import { expectNoAxeViolations } from './helpers/axe';
import { renderTable, sampleDevices } from './helpers/renderTable';

// 22 other devices plus this one: 23 sessions, three pages of ten.
const devices: TestDeviceOptions[] = Array.from({ length: 22 }, (_, i) => ({
  deviceType: i % 2 ? 'mobile' : 'tablet',
  model: `Device ${i + 1}`,
  country: 'CA',
}));
const otherUser = { identifier: 'other@example.com', password: 'other' };

const pages = () => screen.getByRole('navigation', { name: 'Active sessions pages' });
const next = () => within(pages()).getByRole('button', { name: 'Next' });

describe('ActiveSessionsTable across sign-out and sign-in', () => {
  it('drops a revocation failure alert when the user signs out', async () => {
    const { user, session, client, container } = await renderTable({
      devices: sampleDevices,
      props: { confirm: false },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/revoke', status: 500, times: 3 });
    await user.click(screen.getByRole('button', { name: 'Revoke Pixel 9 session' }));
    await screen.findByRole('alert');

    await act(() => client.logout());
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.queryByText(/Pixel 9 could not be signed out/)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    await expectNoAxeViolations(container);
  });

  it('starts on the first page after signing in again', async () => {
    const { user, client, session } = await renderTable({ devices });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    await user.click(next());
    await user.click(next());
    await waitFor(() => expect(pages()).toHaveTextContent('21–23 of 23'));

    await act(() => client.logout());
    await screen.findByText(/You are signed out/);
    await act(async () => {
      await client.loginWithPassword(session.user);
    });
    // The new session of this device is the newest, so first on page 1.
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    expect(pages()).toHaveTextContent('1–10 of 23');
  });

  it('starts on the first page when another account signs in on this device', async () => {
    const { user, client, session, clock } = await renderTable({
      devices: devices.slice(0, 4),
      users: [otherUser],
      props: { pageSize: 2 },
      before: async (test) => {
        for (let i = 0; i < 4; i += 1) await test.addDevice({ identifier: otherUser.identifier });
      },
    });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    await user.click(next());
    await user.click(next());
    await waitFor(() => expect(pages()).toHaveTextContent('5–5 of 5'));

    // Another account signs in on this device, with no sign-out in between.
    clock.advance(60_000);
    await act(async () => {
      await client.loginWithPassword(otherUser);
    });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    expect(pages()).toHaveTextContent('1–2 of 5');
    expect(await session.server.admin.listUserSessions(otherUser.identifier)).toHaveLength(5);
  });

  it('closes an open confirmation when this device is signed out in another tab', async () => {
    const { user, session, client, container } = await renderTable({ devices: sampleDevices });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    await screen.findByRole('dialog', { name: 'Sign out other sessions?' });

    await act(() => session.openTab().logout());
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Active sessions' })).toHaveFocus();

    // Signing in again shows no dialog, and the closed one revoked nothing.
    await act(async () => {
      await client.loginWithPassword(session.user);
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await session.server.admin.listUserSessions('test@example.com')).toHaveLength(4);
  });

  it('revokes nothing when a custom confirmation answers after the user signed in again', async () => {
    let answer: (confirmed: boolean) => void = () => undefined;
    const confirm = () => new Promise<boolean>((resolve) => (answer = resolve));
    const { user, client, session, queryClient } = await renderTable({
      devices: sampleDevices,
      props: { confirm },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));

    await act(() => client.logout());
    await act(async () => {
      await client.loginWithPassword(session.user);
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    // "Yes, sign out the other sessions", given for the session that ended.
    await act(async () => answer(true));

    await waitFor(() => expect(queryClient.isMutating()).toBe(0));
    expect(await session.server.admin.listUserSessions('test@example.com')).toHaveLength(4);
    expect(screen.getByRole('rowheader', { name: /Pixel 9/ })).toBeInTheDocument();
  });
});
