import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ConfirmRequest } from '../../src/components';
import { expectNoAxeViolations } from './helpers/axe';
import { renderTable, sampleDevices } from './helpers/renderTable';

// Devices in list order: this one (MacBook Pro), then Pixel 9, iPad Air, ThinkPad X1.
const PIXEL = 2;
const IPAD = 1;
const THINKPAD = 0;

describe('ActiveSessionsTable revocation', () => {
  it('confirms in a dialog, revokes the session and moves focus to the next row', async () => {
    const onRevoked = vi.fn();
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { onRevoked },
    });
    const revoke = await screen.findByRole('button', { name: 'Revoke Pixel 9 session' });
    await user.click(revoke);

    const dialog = screen.getByRole('dialog', { name: 'Revoke Pixel 9 session?' });
    expect(dialog).toHaveAccessibleDescription(/Pixel 9 will be signed out/);
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await expectNoAxeViolations(container);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));

    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull());
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke iPad Air session' })).toHaveFocus(),
    );
    await waitFor(() =>
      expect(onRevoked).toHaveBeenCalledWith({ session: devices[PIXEL]!.sessionId }),
    );
    expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(false);
    expect(await session.server.admin.isSessionActive(devices[IPAD]!.sessionId)).toBe(true);
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Pixel 9 signed out.'),
    );
    await expectNoAxeViolations(container);
  });

  it('moves focus to the row above when the last row goes', async () => {
    const { user } = await renderTable({ devices: sampleDevices, props: { confirm: false } });
    await user.click(await screen.findByRole('button', { name: 'Revoke ThinkPad X1 session' }));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke iPad Air session' })).toHaveFocus(),
    );
  });

  it('keeps everything when the dialog is cancelled, and gives focus back', async () => {
    const onRevoked = vi.fn();
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { onRevoked },
    });
    const revoke = await screen.findByRole('button', { name: 'Revoke Pixel 9 session' });
    await user.click(revoke);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));

    expect(screen.queryByRole('dialog')).toBeNull();
    expect(revoke).toHaveFocus();
    expect(screen.getByRole('rowheader', { name: /Pixel 9/ })).toBeInTheDocument();
    expect(onRevoked).not.toHaveBeenCalled();
    expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);
    await expectNoAxeViolations(container);
  });

  it('cancels on Escape', async () => {
    const { container, user, session, devices } = await renderTable({ devices: sampleDevices });
    const revoke = await screen.findByRole('button', { name: 'Revoke iPad Air session' });
    await user.click(revoke);
    expect(screen.getByRole('dialog', { name: 'Revoke iPad Air session?' })).toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(revoke).toHaveFocus();
    expect(await session.server.admin.isSessionActive(devices[IPAD]!.sessionId)).toBe(true);
    await expectNoAxeViolations(container);
  });

  it('revokes at once with confirm={false}', async () => {
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { confirm: false },
    });
    await user.click(await screen.findByRole('button', { name: 'Revoke iPad Air session' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /iPad Air/ })).toBeNull());
    await waitFor(async () =>
      expect(await session.server.admin.isSessionActive(devices[IPAD]!.sessionId)).toBe(false),
    );
    await expectNoAxeViolations(container);
  });

  it('asks a custom confirm function, and heeds its answer', async () => {
    const answers = [false, true];
    const confirm = vi.fn(async (_request: ConfirmRequest) => answers.shift()!);
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { confirm },
    });
    const revoke = await screen.findByRole('button', { name: 'Revoke ThinkPad X1 session' });

    await user.click(revoke);
    expect(confirm).toHaveBeenCalledWith(
      expect.objectContaining({
        target: { session: devices[THINKPAD]!.sessionId },
        session: expect.objectContaining({ deviceModel: 'ThinkPad X1' }),
        title: 'Revoke ThinkPad X1 session?',
      }),
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await session.server.admin.isSessionActive(devices[THINKPAD]!.sessionId)).toBe(true);
    expect(screen.getByRole('rowheader', { name: /ThinkPad X1/ })).toBeInTheDocument();

    await user.click(revoke);
    await waitFor(() =>
      expect(screen.queryByRole('rowheader', { name: /ThinkPad X1/ })).toBeNull(),
    );
    await waitFor(async () =>
      expect(await session.server.admin.isSessionActive(devices[THINKPAD]!.sessionId)).toBe(false),
    );
    await expectNoAxeViolations(container);
  });

  it('signs out the other sessions and keeps this one', async () => {
    const onRevoked = vi.fn();
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { onRevoked },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    const others = screen.getByRole('button', { name: 'Sign out other sessions' });
    await user.click(others);
    const dialog = screen.getByRole('dialog', { name: 'Sign out other sessions?' });
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));

    await waitFor(() => expect(screen.getAllByRole('rowheader')).toHaveLength(1));
    expect(screen.getByRole('rowheader', { name: /MacBook Pro/ })).toBeInTheDocument();
    expect(others).toHaveFocus();
    await waitFor(() => expect(onRevoked).toHaveBeenCalledWith('others'));
    for (const device of devices) {
      expect(await session.server.admin.isSessionActive(device.sessionId)).toBe(false);
    }
    expect(await session.server.admin.isSessionActive(session.client.getSessionId()!)).toBe(true);
    await expectNoAxeViolations(container);
  });

  it('signs this device out, shows the signed-out message and focuses the heading', async () => {
    const onRevoked = vi.fn();
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { onRevoked },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    const mine = session.client.getSessionId()!;
    await user.click(screen.getByRole('button', { name: 'Sign out this device' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Sign out this device?' })).getByRole('button', {
        name: 'Sign out',
      }),
    );

    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.getByRole('heading', { name: 'Active sessions' })).toHaveFocus();
    // The device is signed out as soon as the server agreed; the key is deleted after that.
    await waitFor(() => expect(onRevoked).toHaveBeenCalledWith('mine'));
    expect(await session.server.admin.isSessionActive(mine)).toBe(false);
    expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);
    await expectNoAxeViolations(container);
  });

  it('signs out from the current row as "mine"', async () => {
    const { container, user, session } = await renderTable({ devices: sampleDevices });
    await user.click(
      await screen.findByRole('button', { name: 'Sign out MacBook Pro (this device)' }),
    );
    expect(screen.getByRole('dialog', { name: 'Sign out this device?' })).toBeInTheDocument();
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.getByRole('heading', { name: 'Active sessions' })).toHaveFocus();
    expect(session.client.getSnapshot().reason).toBe('logout');
  });

  it('signs out everywhere', async () => {
    const onRevoked = vi.fn();
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { onRevoked },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    const dialog = screen.getByRole('dialog', { name: 'Sign out everywhere?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Sign out' }));

    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    await waitFor(() => expect(onRevoked).toHaveBeenCalledWith('all'));
    expect(await session.server.admin.listUserSessions('test@example.com')).toEqual([]);
    expect(devices).toHaveLength(3);
    await expectNoAxeViolations(container);
  });

  it('brings the row back and shows an error when the server refuses', async () => {
    const onRevoked = vi.fn();
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: { onRevoked, confirm: false },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/revoke', status: 500, times: 3 });
    await user.click(screen.getByRole('button', { name: 'Revoke Pixel 9 session' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Pixel 9');
    expect(screen.getByRole('rowheader', { name: /Pixel 9/ })).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke Pixel 9 session' })).toHaveFocus(),
    );
    expect(onRevoked).not.toHaveBeenCalled();
    expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);
    await expectNoAxeViolations(container);

    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('marks a row whose revocation is in flight as pending, for eyes and screen readers', async () => {
    const { container, user, session, devices, queryClient } = await renderTable({
      devices: sampleDevices,
      props: { confirm: false },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/revoke', latencyMs: 400 });
    await user.click(screen.getByRole('button', { name: 'Revoke Pixel 9 session' }));
    // Removed at once, before the server answers.
    expect(screen.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull();
    expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(true);

    // A background refetch lists it again while the revocation is still in flight.
    await queryClient.refetchQueries();
    const pending = await screen.findByRole('button', { name: 'Signing out Pixel 9…' });
    expect(pending).toHaveAttribute('aria-disabled', 'true');
    expect(pending.closest('tr')).toHaveAttribute('data-state', 'pending');
    await expectNoAxeViolations(container);
    await user.click(pending);

    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull());
    expect(await session.server.admin.isSessionActive(devices[PIXEL]!.sessionId)).toBe(false);
  });

  it('marks a pending action above the table', async () => {
    const { container, user, session } = await renderTable({
      devices: sampleDevices,
      props: { confirm: false },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/revoke', latencyMs: 300 });
    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));

    const pending = screen.getByRole('button', { name: 'Sign out other sessions (Signing out…)' });
    expect(pending).toHaveAttribute('aria-disabled', 'true');
    expect(pending).toHaveAttribute('data-state', 'pending');
    await expectNoAxeViolations(container);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Sign out other sessions' })).toHaveAttribute(
        'data-state',
        'idle',
      ),
    );
  });
});
