import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TestDeviceOptions } from '../../../src/testing';
import { renderTable, sampleDevices } from '../helpers/renderTable';

const devices: TestDeviceOptions[] = Array.from({ length: 22 }, (_, i) => ({
  deviceType: i % 2 ? 'mobile' : 'tablet',
  model: `Device ${i + 1}`,
  country: 'CA',
}));
const pages = () => screen.getByRole('navigation', { name: 'Sessions pages' });

describe('review: table state across sign-out / sign-in', () => {
  it('drops the revoke-failure alert when the user signs out', async () => {
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
    // A signed-out visitor should not be told that "Pixel 9 could not be signed out".
    expect(screen.queryByText(/Pixel 9 could not be signed out/)).toBeNull();
  });

  it('starts on the first page after signing in again', async () => {
    const { user, client, session } = await renderTable({ devices });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages()).toHaveTextContent('21–23 of 23'));
    await act(() => client.logout());
    await screen.findByText(/You are signed out/);
    await act(async () => {
      await client.loginWithPassword(session.user);
    });
    // The new session (this device) is the newest: it should be on screen, page 1.
    await screen.findByRole('table');
    await waitFor(() => expect(pages()).toHaveTextContent(/of 23/));
    expect(pages()).toHaveTextContent('1–10 of 23');
  });
});

describe('review: dialog across sign-out', () => {
  it('closes an open confirmation when the session ends elsewhere', async () => {
    const { user, session, container } = await renderTable({ devices: sampleDevices });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    await screen.findByRole('dialog');
    // Another tab of this browser signs out.
    await act(() => session.openTab().logout());
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
