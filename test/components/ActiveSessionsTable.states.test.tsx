import { screen, waitFor, within } from '@testing-library/react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ActiveSessionsTable } from '../../src/components';
import { SessionProvider } from '../../src/react';
import { createTestSession } from '../../src/testing';
import { expectNoAxeViolations } from './helpers/axe';
import { renderTable, rewriteList, sampleDevices } from './helpers/renderTable';

const rowOf = (name: RegExp) => screen.getByRole('rowheader', { name }).closest('tr')!;

describe('ActiveSessionsTable states', () => {
  it('shows a busy skeleton while the sessions load', async () => {
    const { container } = await renderTable({
      before: (session) => session.server.faults.add({ path: '/me/list', latencyMs: 150 }),
    });
    const table = screen.getByRole('table', { name: 'Devices signed in to your account' });
    expect(table).toHaveAttribute('aria-busy', 'true');
    expect(container.firstElementChild).toHaveAttribute('data-state', 'loading');
    expect(screen.getByRole('status')).toHaveTextContent('Loading sessions…');
    expect(within(table).queryAllByRole('rowheader')).toHaveLength(0);
    await expectNoAxeViolations(container);

    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    expect(table).not.toHaveAttribute('aria-busy');
    expect(container.firstElementChild).toHaveAttribute('data-state', 'ready');
  });

  it('shows every session as a row of a captioned table with column headers', async () => {
    const { container, session, devices } = await renderTable({ devices: sampleDevices });
    const table = await screen.findByRole('table', { name: 'Devices signed in to your account' });
    await within(table).findByRole('rowheader', { name: /Pixel 9/ });

    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((th) => th.textContent),
    ).toEqual(['Device', 'Location', 'Signed in', 'Last active', 'Expires', 'Actions']);
    // Newest activity first: this device refreshed last.
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((th) => th.querySelector('.rds-device-name')?.textContent),
    ).toEqual(['MacBook Pro', 'Pixel 9', 'iPad Air', 'ThinkPad X1']);

    const pixel = rowOf(/Pixel 9/);
    expect(within(pixel).getByRole('cell', { name: 'France' })).toBeInTheDocument();
    expect(pixel.querySelector('svg[aria-hidden="true"]')).toHaveAttribute(
      'data-device-type',
      'mobile',
    );
    expect(rowOf(/iPad Air/).querySelector('svg')).toHaveAttribute('data-device-type', 'tablet');
    expect(within(rowOf(/ThinkPad/)).getByRole('cell', { name: 'Germany' })).toBeInTheDocument();
    expect(within(rowOf(/ThinkPad/)).getByRole('rowheader')).toHaveTextContent(/Windows.*Edge/);

    // Times come from the server, as relative text with the exact instant in the markup.
    const wire = (await session.server.admin.listUserSessions('test@example.com')).find(
      (view) => view.id === devices[2]!.sessionId,
    )!;
    const [signedIn, lastActive, expires] = [...pixel.querySelectorAll('time')];
    expect(signedIn).toHaveAttribute('datetime', new Date(wire.created_at).toISOString());
    expect(signedIn).toHaveTextContent('1 hour ago');
    expect(signedIn!.getAttribute('title')).toMatch(/2026/);
    expect(lastActive).toHaveAttribute('datetime', new Date(wire.last_seen_at).toISOString());
    expect(expires).toHaveAttribute('datetime', new Date(wire.expires_at).toISOString());
    expect(expires).toHaveTextContent('in 7 days');

    const current = rowOf(/MacBook Pro/);
    expect(current).toHaveAttribute('data-current');
    expect(within(current).getByText('This device')).toBeInTheDocument();
    expect(screen.getAllByText('This device')).toHaveLength(1);
    expect(
      within(current).getByRole('button', { name: 'Sign out MacBook Pro (this device)' }),
    ).toBeInTheDocument();
    expect(
      within(pixel).getByRole('button', { name: 'Revoke Pixel 9 session' }),
    ).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('says when there is no session to show', async () => {
    const { container } = await renderTable({
      fetch: rewriteList((body) => ({ ...body, sessions: [], total: 0 })),
    });
    await waitFor(() => expect(container.firstElementChild).toHaveAttribute('data-state', 'empty'));
    expect(screen.getByText('No active sessions.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    await expectNoAxeViolations(container);
  });

  it('shows a load failure as an alert whose retry loads the sessions', async () => {
    const { container, user } = await renderTable({
      devices: sampleDevices.slice(0, 1),
      // One first attempt plus the hooks' two retries.
      before: (session) => session.server.faults.add({ path: '/me/list', status: 503, times: 3 }),
    });
    const alert = await screen.findByRole('alert');
    expect(container.firstElementChild).toHaveAttribute('data-state', 'error');
    expect(screen.queryByRole('table')).toBeNull();
    await expectNoAxeViolations(container);

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('rowheader', { name: /ThinkPad X1/ })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('keeps the rows and raises an alert when a refresh fails', async () => {
    const { container, user, session, queryClient } = await renderTable({ devices: sampleDevices });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/list', status: 503, times: 3 });
    await queryClient.refetchQueries();

    const alert = await screen.findByRole('alert');
    expect(container.firstElementChild).toHaveAttribute('data-state', 'ready');
    expect(screen.getByRole('rowheader', { name: /Pixel 9/ })).toBeInTheDocument();
    await expectNoAxeViolations(container);
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('shows a failed session restore as an alert whose retry restores it', async () => {
    const { container, user, session, clock } = await renderTable({
      devices: sampleDevices,
      newTab: true,
      // The new tab's restore, and the client's own retry of it.
      before: (session) => session.server.faults.add({ path: '/refresh', status: 503, times: 2 }),
    });
    const alert = await screen.findByRole('alert');
    expect(container.firstElementChild).toHaveAttribute('data-state', 'error');
    await expectNoAxeViolations(container);

    session.server.faults.clear();
    // Past the client's backoff after the failed refreshes.
    clock.advance(5 * 60_000);
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('rowheader', { name: /Pixel 9/ })).toBeInTheDocument();
  });

  it('tells a signed-out visitor so, as a message rather than an error', async () => {
    const { container } = await renderTable({ signIn: false });
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.getByText(/You are signed out/)).toHaveAttribute('role', 'status');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('group', { name: 'Session actions' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'Active sessions' })).toBeInTheDocument();
    await expectNoAxeViolations(container);
  });

  it('turns into the signed-out message when the session is revoked elsewhere', async () => {
    const { container, session, queryClient } = await renderTable({ devices: sampleDevices });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    expect(await session.server.admin.revokeUserSessions('test@example.com')).toBe(4);

    await queryClient.refetchQueries();
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    expect(screen.getByText(/signed out from another device/)).toBeInTheDocument();
    expect(screen.queryByRole('rowheader')).toBeNull();
    await expectNoAxeViolations(container);
  });

  it('renders on the server as a loading table, touching no browser secret', async () => {
    const session = createTestSession();
    const html = renderToString(
      <SessionProvider client={session.client}>
        <ActiveSessionsTable />
      </SessionProvider>,
    );
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain('data-state="loading"');
    await session.dispose();
  });
});
