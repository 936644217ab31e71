import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TestDeviceOptions } from '../../../src/testing';
import { renderTable } from '../helpers/renderTable';

const devicesN = (n: number): TestDeviceOptions[] =>
  Array.from({ length: n }, (_, i) => ({
    deviceType: i % 2 ? 'mobile' : 'tablet',
    model: `Device ${i + 1}`,
    country: 'CA',
  }));
const pages = () => screen.getByRole('navigation', { name: 'Sessions pages' });

describe('review: paging edges', () => {
  it('revoking the only row of the last page shows the previous page', async () => {
    const { user, session } = await renderTable({ devices: devicesN(20), props: { confirm: false } });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 21'));
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(pages()).toHaveTextContent('21–21 of 21'));
    const seen: string[] = [];
    const obs = new MutationObserver(() => {
      const nav = document.querySelector('.rds-page-range');
      if (nav) seen.push(nav.textContent ?? '');
    });
    obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    await user.click(screen.getByRole('button', { name: 'Revoke Device 1 session' }));
    await waitFor(() => expect(pages()).toHaveTextContent('11–20 of 20'));
    await waitFor(async () =>
      expect(await session.server.admin.listUserSessions('test@example.com')).toHaveLength(20),
    );
    obs.disconnect();
    console.log('range texts seen:', [...new Set(seen)]);
    console.log('focused:', document.activeElement?.outerHTML.slice(0, 120));
    expect(seen.filter((t) => t.startsWith('0–'))).toEqual([]);
  });

  it('keeps a way back to page 1 when a later page fails to load', async () => {
    const { user, session } = await renderTable({ devices: devicesN(22) });
    await screen.findByRole('rowheader', { name: /MacBook Pro/ });
    session.server.faults.add({ path: '/me/list', status: 500, times: 50 });
    await user.click(within(pages()).getByRole('button', { name: 'Next' }));
    await screen.findByText('Your sessions could not be loaded.');
    // The user should be able to go back to the page that worked.
    expect(screen.queryByRole('button', { name: 'Previous' })).not.toBeNull();
  });
});
