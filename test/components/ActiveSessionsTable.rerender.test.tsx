import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../src/client/types';
import { ActiveSessionsTable } from '../../src/components';
import type { DeviceRenderContext } from '../../src/components';
import { SessionProvider } from '../../src/react';
import { renderTable, rewriteList, sampleDevices } from './helpers/renderTable';
import type { TableSetup } from './helpers/renderTable';

/**
 * A `renderDevice` that counts, per session id, how often each row rendered: it runs
 * once per render of a row, so it shows which memoized rows React skipped.
 */
function rowRenderCounter() {
  const counts = new Map<string, number>();
  const renderDevice = (session: SessionView, context: DeviceRenderContext) => {
    counts.set(session.id, (counts.get(session.id) ?? 0) + 1);
    return context.defaultContent;
  };
  const snapshot = () => new Map(counts);
  return { renderDevice, counts, snapshot };
}

async function renderCounted(setup: TableSetup = {}) {
  const counter = rowRenderCounter();
  const view = await renderTable({
    devices: sampleDevices,
    ...setup,
    props: { confirm: false, renderDevice: counter.renderDevice, ...setup.props },
  });
  await waitFor(() => expect(screen.getAllByRole('rowheader')).toHaveLength(4));
  await waitFor(() => expect(view.queryClient.isFetching()).toBe(0));
  return { ...view, counter };
}

const idsOnScreen = (container: HTMLElement) =>
  [...container.querySelectorAll<HTMLElement>('tbody tr[data-session-id]')].map(
    (row) => row.dataset.sessionId!,
  );

describe('ActiveSessionsTable re-rendering', () => {
  it('re-renders none of the other rows when one row is revoked', async () => {
    const { user, container, counter, devices, queryClient, session } = await renderCounted();
    const pixel = devices[2]!.sessionId;
    const others = idsOnScreen(container).filter((id) => id !== pixel);
    const before = counter.snapshot();

    await user.click(screen.getByRole('button', { name: 'Revoke Pixel 9 session' }));
    await waitFor(() => expect(idsOnScreen(container)).toEqual(others));
    // The revocation settles, and the list is refetched with the same rows.
    await waitFor(() => {
      expect(queryClient.isMutating()).toBe(0);
      expect(queryClient.isFetching()).toBe(0);
    });
    expect(await session.server.admin.isSessionActive(pixel)).toBe(false);
    expect(screen.getByRole('status')).toHaveTextContent('Pixel 9 signed out.');

    for (const id of others) expect(counter.counts.get(id)).toBe(before.get(id));
  });

  it('re-renders no row when a refetch brings the same sessions', async () => {
    const { container, counter, queryClient } = await renderCounted();
    const before = counter.snapshot();
    const rowsBefore = [...container.querySelectorAll('tbody tr')];

    await queryClient.refetchQueries();
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));

    expect(counter.counts).toEqual(before);
    expect([...container.querySelectorAll('tbody tr')]).toEqual(rowsBefore);
  });

  it('re-renders only the row whose session changed in a refetch', async () => {
    // Once set: the iPad's session was active again, a minute before the test clock's now.
    let seenAgain: { id: string; at: string } | null = null;
    const { container, counter, queryClient, devices, clock } = await renderCounted({
      fetch: rewriteList((body) => {
        const row = body.sessions.find((each) => each.id === seenAgain?.id);
        if (row && seenAgain) row.last_seen_at = seenAgain.at;
        return body;
      }),
    });
    const ipad = devices[1]!.sessionId;
    const before = counter.snapshot();
    seenAgain = { id: ipad, at: new Date(clock.now() - 60_000).toISOString() };

    await queryClient.refetchQueries();
    await waitFor(() => expect(counter.counts.get(ipad)).toBe(before.get(ipad)! + 1));
    await waitFor(() => expect(queryClient.isFetching()).toBe(0));

    for (const id of idsOnScreen(container).filter((id) => id !== ipad)) {
      expect(counter.counts.get(id)).toBe(before.get(id));
    }
    const ipadRow = container.querySelector(`tr[data-session-id="${ipad}"]`)!;
    expect(ipadRow.querySelector('.rds-cell-lastActive')).toHaveTextContent('1 minute ago');
  });

  it('keeps rows memoized when the columns prop is a new array of the same columns', async () => {
    const { counter, rerender, client, queryClient, clock } = await renderCounted({
      props: { columns: ['device', 'lastActive', 'actions'] },
    });
    const before = counter.snapshot();
    rerender(
      <SessionProvider client={client} queryClient={queryClient}>
        <ActiveSessionsTable
          now={clock.now}
          confirm={false}
          renderDevice={counter.renderDevice}
          columns={['device', 'lastActive', 'actions']}
        />
      </SessionProvider>,
    );
    expect(screen.getAllByRole('columnheader')).toHaveLength(3);
    expect(counter.counts).toEqual(before);
  });
});
