import { QueryClient } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ActiveSessionsTable } from '../../src/components';
import { SessionProvider } from '../../src/react';
import { createTestSession } from '../../src/testing';
import { expectNoAxeViolations } from './helpers/axe';
import './helpers/renderTable';

const sessions: Array<ReturnType<typeof createTestSession>> = [];
afterEach(async () => {
  cleanup();
  await Promise.all(sessions.splice(0).map((session) => session.dispose()));
});

describe('ActiveSessionsTable in StrictMode', () => {
  it('keeps the dialog open through double effects and still revokes', async () => {
    const session = createTestSession({ device: { model: 'MacBook Pro' } });
    sessions.push(session);
    await session.signIn();
    const pixel = await session.addDevice({ deviceType: 'mobile', model: 'Pixel 9' });
    const { container } = render(
      <StrictMode>
        <SessionProvider client={session.client} queryClient={new QueryClient()}>
          <ActiveSessionsTable />
        </SessionProvider>
      </StrictMode>,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke Pixel 9 session' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke Pixel 9 session?' });
    expect(dialog).toHaveAttribute('open');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /Pixel 9/ })).toBeNull());
    await waitFor(async () =>
      expect(await session.server.admin.isSessionActive(pixel.sessionId)).toBe(false),
    );
    await expectNoAxeViolations(container);
  });
});
