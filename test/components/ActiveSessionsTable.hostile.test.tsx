import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { expectNoAxeViolations } from './helpers/axe';
import { renderTable, rewriteList } from './helpers/renderTable';

const XSS = '<img src=x onerror=alert(1)>';
const LONG = 'M'.repeat(5000);

// The reference server caps and checks what devices send; another backend may not.
// These rows reach the table exactly as such a backend would send them.
const hostile = rewriteList((body) => ({
  ...body,
  sessions: body.sessions.map((view, index) => {
    if (index === 1)
      return { ...view, device_model: XSS, os_version: `${XSS} 1`, browser_name: XSS };
    if (index === 2) return { ...view, device_model: LONG, country_code: 'ZZZ' };
    if (index === 3)
      return {
        ...view,
        device_model: '',
        device_type: 'unknown',
        os_version: '',
        country_code: '',
        browser_name: '',
        browser_version: '',
      };
    if (index === 4)
      return { ...view, device_type: 'smartwatch', device_model: 'Watch', country_code: '1Z' };
    return view;
  }),
}));

describe('ActiveSessionsTable with hostile device strings', () => {
  it('shows markup, huge, empty and unknown values as plain readable text', async () => {
    const alert = vi.fn();
    vi.stubGlobal('alert', alert);
    const { container } = await renderTable({
      devices: [
        { deviceType: 'mobile', country: 'FR' },
        { deviceType: 'mobile', country: 'FR' },
        { deviceType: 'tablet', country: 'FR' },
        { deviceType: 'mobile', country: 'FR' },
      ],
      fetch: hostile,
    });
    const xss = await screen.findByRole('rowheader', {
      name: new RegExp(XSS.replace(/[()]/g, '\\$&')),
    });
    expect(container.querySelector('img')).toBeNull();
    expect(within(xss).getByText(XSS)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: `Revoke ${XSS} session` })).toBeInTheDocument();

    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(5);
    const long = rows.find((row) => row.textContent!.includes('MMMM'))!;
    const name = long.querySelector('.rds-device-name')!.textContent!;
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name.endsWith('…')).toBe(true);
    expect(within(long).getByRole('button', { name: /^Revoke M+… session$/ })).toBeInTheDocument();
    expect(long.querySelector('.rds-cell-location')).toBeEmptyDOMElement();

    const empty = screen.getByRole('rowheader', { name: 'Unknown device' }).closest('tr')!;
    expect(empty.querySelector('svg')).toHaveAttribute('data-device-type', 'unknown');
    expect(empty.querySelector('.rds-device-meta')).toBeNull();
    expect(empty.querySelector('.rds-cell-location')).toBeEmptyDOMElement();
    expect(
      within(empty).getByRole('button', { name: 'Revoke Unknown device session' }),
    ).toBeInTheDocument();

    const watch = screen.getByRole('rowheader', { name: /Watch/ }).closest('tr')!;
    expect(watch).toHaveAttribute('data-device-type', 'unknown');
    expect(watch.querySelector('.rds-cell-location')).toBeEmptyDOMElement();

    expect(alert).not.toHaveBeenCalled();
    await expectNoAxeViolations(container);
    vi.unstubAllGlobals();
  });
});
