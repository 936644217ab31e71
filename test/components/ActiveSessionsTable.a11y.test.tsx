import type { Query } from '@tanstack/react-query';
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  pages,
  renderOnLastPage,
  renderTable,
  rewriteList,
  sampleDevices,
} from './helpers/renderTable';

const focusIsOnBody = () =>
  document.activeElement === null ||
  document.activeElement === document.body ||
  !document.activeElement.isConnected;

/** Fails only if focus stays lost for a whole second: no recovery ever comes. */
async function expectFocusNotLost() {
  await waitFor(() => expect(focusIsOnBody()).toBe(false), { timeout: 1000 });
}

const outside: HTMLElement[] = [];
afterEach(() => {
  for (const element of outside.splice(0)) element.remove();
});

describe('ActiveSessionsTable: focus management', () => {
  it('keeps focus in the table after dismissing a revocation failure alert', async () => {
    const { user, session } = await renderTable({
      devices: sampleDevices,
      props: { confirm: false },
    });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/revoke', status: 500, times: 3 });
    await user.click(screen.getByRole('button', { name: 'Revoke Pixel 9 session' }));
    const alert = await screen.findByRole('alert');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Revoke Pixel 9 session' })).toHaveFocus(),
    );

    // Keyboard user: Tab to the Dismiss button and press Enter.
    within(alert).getByRole('button', { name: 'Dismiss' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('alert')).toBeNull();
    // The focused button left the page: focus must land somewhere sensible, not on <body>.
    await expectFocusNotLost();
  });

  it('keeps focus in the table after "Try again" on a stale-list alert succeeds', async () => {
    const { user, session, queryClient } = await renderTable({ devices: sampleDevices });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    session.server.faults.add({ path: '/me/list', status: 503, times: 3 });
    await queryClient.refetchQueries();
    const alert = await screen.findByRole('alert');

    within(alert).getByRole('button', { name: 'Try again' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    await expectFocusNotLost();
  });

  it('puts focus somewhere sensible when the dialog is cancelled after its row went away', async () => {
    let hidePixel = false;
    const { user, queryClient } = await renderTable({
      devices: sampleDevices,
      fetch: rewriteList((body) => ({
        ...body,
        sessions: hidePixel
          ? body.sessions.filter((view) => view.device_model !== 'Pixel 9')
          : body.sessions,
        total: hidePixel ? body.total - 1 : body.total,
      })),
    });
    const revoke = await screen.findByRole('button', { name: 'Revoke Pixel 9 session' });
    revoke.focus();
    await user.keyboard('{Enter}');
    await screen.findByRole('dialog', { name: 'Revoke Pixel 9 session?' });

    // Meanwhile the session is signed out elsewhere and a background refetch drops the row.
    hidePixel = true;
    await queryClient.refetchQueries();
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull());

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await expectFocusNotLost();
  });

  it('does not steal focus from elsewhere on the page when a waited-for page arrives', async () => {
    const { user, queryClient, session } = await renderOnLastPage();
    queryClient.removeQueries({
      predicate: (query: Query) => (query.queryKey.at(-1) as { offset?: number }).offset === 10,
    });
    session.server.faults.add({ path: '/me/list', latencyMs: 300, times: 5 });

    await user.click(screen.getByRole('button', { name: 'Revoke Device 1 session' }));
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 20'));
    expect(screen.getByRole('table')).toHaveAttribute('aria-busy', 'true');

    // While the page loads, the user moves on to another part of the page and types there.
    const search = document.createElement('input');
    search.setAttribute('aria-label', 'Search settings');
    document.body.append(search);
    outside.push(search);
    await user.click(search);
    await user.keyboard('pass');
    expect(search).toHaveFocus();

    await screen.findByRole('button', { name: 'Revoke Device 2 session' });
    await waitFor(() => expect(screen.getByRole('table')).not.toHaveAttribute('aria-busy'));
    expect(search).toHaveFocus();
  });
});

describe('ActiveSessionsTable: device names', () => {
  it('does not let a bidi override in a device name reverse the rest of the dialog title', async () => {
    const RLO = '\u202E';
    // Straight through the reference server: a device names itself in its `model` hint.
    const { user } = await renderTable({
      devices: [{ deviceType: 'mobile', model: `${RLO}Pixel 9`, country: 'FR' }],
    });
    const row = await screen.findByRole('rowheader', { name: /Pixel 9/ });
    const button = within(row.closest('tr')!).getByRole('button');
    await user.click(button);
    const title = screen.getByRole('dialog').querySelector('.rds-dialog-title')!.textContent!;
    // An unterminated override (no PDF/PDI after it) reverses " session?" on screen too.
    const opened = (title.match(/[\u202A-\u202E\u2066-\u2068]/g) ?? []).length;
    const closed = (title.match(/[\u202C\u2069]/g) ?? []).length;
    expect(opened).toBeLessThanOrEqual(closed);
  });

  it.each([
    // 118 letters then an emoji (two UTF-16 units) straddling the 119-unit cut.
    ['an emoji', `${'A'.repeat(118)}📱${'B'.repeat(20)}`, '📱'],
    // Flags are two code points each: 60 flags are 120 code points, cut at 119.
    ['a flag', `AAAA${'🇫🇷'.repeat(130)}`, '🇫🇷'],
  ])('truncates a long device name without splitting %s in two', async (_, model, whole) => {
    await renderTable({
      devices: [{ deviceType: 'mobile', model: 'Long', country: 'FR' }],
      fetch: rewriteList((body) => ({
        ...body,
        sessions: body.sessions.map((view) =>
          view.device_model === 'Long' ? { ...view, device_model: model } : view,
        ),
      })),
    });
    const row = await screen.findByRole('rowheader', { name: /AAAA/ });
    const name = row.querySelector('.rds-device-name')!.textContent!;
    expect(name.endsWith('…')).toBe(true);
    // A lone high surrogate renders as "�", half a flag as a letter in a box.
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(name)).toBe(false);
    const kept = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(name)]
      .map((part) => part.segment)
      .filter((part) => part !== 'A' && part !== 'B' && part !== '…');
    expect(kept.every((part) => part === whole)).toBe(true);
  });
});

describe('ActiveSessionsTable: language', () => {
  it('marks text formatted in the locale prop with that language (WCAG 3.1.2)', async () => {
    await renderTable({ devices: sampleDevices, props: { locale: 'fr' } });
    const pixel = (await screen.findByRole('rowheader', { name: /Pixel 9/ })).closest('tr')!;
    const time = pixel.querySelector('time')!;
    expect(time).toHaveTextContent('il y a 1 heure');
    // The surrounding strings stay English (no messages given); the French text needs a lang.
    expect(time.closest('[lang]')?.getAttribute('lang')).toMatch(/^fr/);
  });
});

describe('ActiveSessionsTable: announcements', () => {
  it('announces signing this device out through a live region that was already on the page', async () => {
    const { user, container } = await renderTable({ devices: sampleDevices });
    await screen.findByRole('rowheader', { name: /Pixel 9/ });
    // Live regions present before the change: only their updates are reliably spoken.
    const regions = [...container.querySelectorAll('[role="status"], [role="alert"], [aria-live]')];
    await user.click(screen.getByRole('button', { name: 'Sign out MacBook Pro (this device)' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Sign out' }));
    await waitFor(() =>
      expect(container.firstElementChild).toHaveAttribute('data-state', 'signed-out'),
    );
    // Shown once, by the region that was there before.
    expect(screen.getAllByText(/You are signed out/)).toHaveLength(1);
    // Focus went to the heading, so the outcome is heard only if a live region says it.
    const spoken = regions.filter((region) => region.isConnected).map((r) => r.textContent);
    expect(spoken.join(' ')).toMatch(/signed out/i);
  });
});
