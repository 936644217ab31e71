import type { Query } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from './helpers/axe';
import { numberedDevices, pages, renderOnLastPage, renderTable } from './helpers/renderTable';

// 22 other devices plus this one: 23 sessions. Device 1 is the oldest, so the last row.
const devices = numberedDevices(22);
const bodyRows = () => within(screen.getByRole('table')).getAllByRole('rowheader');

describe('ActiveSessionsTable paging', () => {
  it('pages through 23 sessions ten at a time', async () => {
    const { container, user } = await renderTable({ devices });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    expect(pages()).toHaveTextContent('1–10 of 23');
    expect(bodyRows()).toHaveLength(10);
    const previous = within(pages()).getByRole('button', { name: 'Previous' });
    const next = within(pages()).getByRole('button', { name: 'Next' });
    expect(previous).toHaveAttribute('aria-disabled', 'true');
    await expectNoAxeViolations(container);

    await user.click(next);
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 23'));
    expect(bodyRows()).toHaveLength(10);
    expect(screen.queryByRole('rowheader', { name: /MacBook Pro/ })).toBeNull();
    expect(previous).not.toHaveAttribute('aria-disabled');

    await user.click(next);
    await waitFor(() => expect(pages()).toHaveTextContent('21–23 of 23'));
    expect(bodyRows().map((row) => row.querySelector('.rds-device-name')?.textContent)).toEqual([
      'Device 3',
      'Device 2',
      'Device 1',
    ]);
    expect(next).toHaveAttribute('aria-disabled', 'true');
    await user.click(next);
    expect(pages()).toHaveTextContent('21–23 of 23');
    expect(next).toHaveFocus();

    await user.click(previous);
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 23'));
    await expectNoAxeViolations(container);
  });

  it('takes its page size from pageSize', async () => {
    const { container, user } = await renderTable({ devices, props: { pageSize: 5 } });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    expect(pages()).toHaveTextContent('1–5 of 23');
    expect(bodyRows()).toHaveLength(5);
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages()).toHaveTextContent('6–10 of 23'));
    await expectNoAxeViolations(container);
  });

  it('counts down as rows are revoked on the last page', async () => {
    const { user, session } = await renderTable({ devices, props: { confirm: false } });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages()).toHaveTextContent('21–23 of 23'));

    await user.click(screen.getByRole('button', { name: 'Revoke Device 2 session' }));
    await waitFor(() => expect(pages()).toHaveTextContent('21–22 of 22'));
    expect(screen.getByRole('button', { name: 'Revoke Device 1 session' })).toHaveFocus();
    await waitFor(async () =>
      expect(await session.server.admin.listUserSessions('test@example.com')).toHaveLength(22),
    );
  });

  it('goes back to a page with rows when its own rows are all gone', async () => {
    const { user } = await renderTable({ devices });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages()).toHaveTextContent('21–23 of 23'));

    await user.click(screen.getByRole('button', { name: 'Sign out other sessions' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(screen.getByRole('rowheader', { name: /MacBook Pro/ })).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Active sessions pages' })).toBeNull();
  });

  it('shows the previous page, never an empty one, when the only row of the last page is revoked', async () => {
    const { user, session } = await renderOnLastPage();
    // Every range the live region reads out, painted or not.
    const ranges: string[] = [];
    const watch = new MutationObserver(() => {
      const range = document.querySelector('.rds-page-range')?.textContent;
      if (range && ranges.at(-1) !== range) ranges.push(range);
    });
    watch.observe(document.body, { subtree: true, childList: true, characterData: true });

    await user.click(screen.getByRole('button', { name: 'Revoke Device 1 session' }));
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 20'));
    watch.disconnect();
    expect(ranges).toEqual(['21–21 of 21', '11–20 of 20']);
    // Device 2 stood just before the revoked row: the last row of the page shown now.
    expect(screen.getByRole('button', { name: 'Revoke Device 2 session' })).toHaveFocus();
    await waitFor(async () =>
      expect(await session.server.admin.listUserSessions('test@example.com')).toHaveLength(20),
    );
  });

  it('waits for a previous page that is not cached before moving focus to it', async () => {
    const { user, queryClient, session } = await renderOnLastPage();
    const secondPage = {
      predicate: (query: Query) => (query.queryKey.at(-1) as { offset?: number }).offset === 10,
    };
    expect(queryClient.getQueryCache().findAll(secondPage)).toHaveLength(1);
    queryClient.removeQueries(secondPage);
    session.server.faults.add({ path: '/me/list', latencyMs: 200, times: 5 });

    await user.click(screen.getByRole('button', { name: 'Revoke Device 1 session' }));
    // Before the rows of that page arrive, the range is already the page on its way.
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 20'));
    expect(screen.getByRole('table')).toHaveAttribute('aria-busy', 'true');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke Device 2 session' })).toHaveFocus(),
    );
  });

  it('keeps Previous as a way back when a later page fails to load', async () => {
    const { container, user, session } = await renderTable({ devices });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    session.server.faults.add({ path: '/me/list', status: 500, times: 50 });
    const next = within(pages()).getByRole('button', { name: 'Next' });
    await user.click(next);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your sessions could not be loaded.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    // The page is unknown: no range, and no Next into more of it.
    expect(next).toHaveFocus();
    expect(next).toHaveAttribute('aria-disabled', 'true');
    expect(container.querySelector('.rds-page-range')).toBeEmptyDOMElement();
    await expectNoAxeViolations(container);

    session.server.faults.clear();
    await user.click(within(pages()).getByRole('button', { name: 'Previous' }));
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    expect(pages()).toHaveTextContent('1–10 of 23');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
