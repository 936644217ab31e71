import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from './helpers/axe';
import { renderTable, sampleDevices } from './helpers/renderTable';

const rowOf = (name: RegExp) => screen.getByRole('rowheader', { name }).closest('tr')!;

describe('ActiveSessionsTable customization', () => {
  it('takes any string from messages and keeps English for the rest', async () => {
    const { container, user } = await renderTable({
      devices: sampleDevices,
      props: {
        messages: {
          title: 'Your devices',
          revoke: 'End',
          revokeLabel: (device) => `End ${device}`,
          deviceTypes: { tablet: 'Slate' },
          confirmTitle: (_target, device) => `End ${device} now?`,
          pageRange: ({ from, to, total }) => `${from}-${to}/${total}`,
        },
        pageSize: 2,
      },
    });
    expect(screen.getByRole('heading', { name: 'Your devices' })).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'End Pixel 9' }));
    expect(screen.getByRole('dialog', { name: 'End Pixel 9 now?' })).toBeInTheDocument();
    expect(
      within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }),
    ).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(
      screen.getByRole('table', { name: 'Devices signed in to your account' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('navigation')).toHaveTextContent('1-2/4');
    await expectNoAxeViolations(container);
  });

  it('formats countries, times and numbers in the given locale', async () => {
    const { container } = await renderTable({ devices: sampleDevices, props: { locale: 'fr' } });
    const pixel = (await screen.findByRole('rowheader', { name: /Pixel 9/ })).closest('tr')!;
    expect(within(pixel).getByRole('cell', { name: 'France' })).toBeInTheDocument();
    expect(within(rowOf(/ThinkPad/)).getByRole('cell', { name: 'Allemagne' })).toBeInTheDocument();
    expect(within(rowOf(/iPad/)).getByRole('cell', { name: 'Japon' })).toBeInTheDocument();
    expect(pixel.querySelector('time')).toHaveTextContent('il y a 1 heure');
    expect(pixel.querySelector('time')!.getAttribute('title')).toMatch(/nov\./);
    await expectNoAxeViolations(container);
  });

  it('formats in Japanese', async () => {
    await renderTable({ devices: sampleDevices, props: { locale: 'ja' } });
    const pixel = (await screen.findByRole('rowheader', { name: /Pixel 9/ })).closest('tr')!;
    expect(within(pixel).getByRole('cell', { name: 'フランス' })).toBeInTheDocument();
    expect(pixel.querySelector('time')).toHaveTextContent('1 時間前');
  });

  it('falls back to the default locale for a malformed one', async () => {
    await renderTable({ devices: sampleDevices, props: { locale: 'not a locale!' } });
    const pixel = (await screen.findByRole('rowheader', { name: /Pixel 9/ })).closest('tr')!;
    expect(pixel.querySelector('time')).toHaveAttribute('datetime');
  });

  it('shows only the chosen columns, in the chosen order', async () => {
    const { container } = await renderTable({
      devices: sampleDevices,
      props: { columns: ['lastActive', 'device', 'location'] },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    expect(screen.getAllByRole('columnheader').map((th) => th.textContent)).toEqual([
      'Last active',
      'Device',
      'Location',
    ]);
    expect(within(screen.getByRole('table')).queryAllByRole('button')).toHaveLength(0);
    expect(rowOf(/Pixel 9/).firstElementChild).toHaveClass('rds-cell-lastActive');
    await expectNoAxeViolations(container);
  });

  it('passes className and other attributes to the root', async () => {
    const { container } = await renderTable({
      props: { className: 'app-sessions', id: 'sessions', 'data-theme': 'dark' } as never,
    });
    const root = container.firstElementChild!;
    expect(root).toHaveClass('rds-root', 'rds-theme', 'app-sessions');
    expect(root).toHaveAttribute('id', 'sessions');
    expect(root).toHaveAttribute('data-theme', 'dark');
    expect(root.tagName).toBe('SECTION');
    expect(screen.getByRole('region', { name: 'Active sessions' })).toBe(root);
  });

  it('leaves the theme out when unstyled, keeping the part class names', async () => {
    const { container } = await renderTable({ devices: sampleDevices, props: { unstyled: true } });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    const root = container.firstElementChild!;
    expect(root).toHaveClass('rds-root');
    expect(root).not.toHaveClass('rds-theme');
    expect(container.querySelector('.rds-table')).toBeInTheDocument();
    expect(container.querySelectorAll('.rds-row')).toHaveLength(4);
    await expectNoAxeViolations(container);
  });

  it('renders custom device cells, row actions and actions', async () => {
    const { container, user, session, devices } = await renderTable({
      devices: sampleDevices,
      props: {
        headingLevel: 3,
        renderDevice: (view, { device, defaultContent }) => (
          <span data-testid={`device-${view.id}`}>
            {defaultContent}
            <small>{device.typeLabel}</small>
          </span>
        ),
        renderRowAction: (_view, { device, pending, requestRevoke }) => (
          <button type="button" disabled={pending} onClick={requestRevoke}>
            Kick {device.name}
          </button>
        ),
        renderActions: ({ requestRevoke }) => (
          <button type="button" onClick={() => requestRevoke('others')}>
            Everyone else out
          </button>
        ),
      },
    });
    expect(screen.getByRole('heading', { level: 3, name: 'Active sessions' })).toBeInTheDocument();
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    expect(screen.getByTestId(`device-${devices[2]!.sessionId}`)).toHaveTextContent(
      /^Pixel 9.*Phone$/,
    );
    expect(screen.queryByRole('button', { name: 'Sign out other sessions' })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Kick iPad Air' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /iPad Air/ })).toBeNull());
    // The custom button of the next row takes the focus.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Kick ThinkPad X1' })).toHaveFocus(),
    );

    await user.click(screen.getByRole('button', { name: 'Everyone else out' }));
    expect(screen.getByRole('dialog', { name: 'Sign out other sessions?' })).toBeInTheDocument();
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(screen.getAllByRole('rowheader')).toHaveLength(1));
    await waitFor(async () =>
      expect(await session.server.admin.listUserSessions('test@example.com')).toHaveLength(1),
    );
    await expectNoAxeViolations(container);
  });
});
