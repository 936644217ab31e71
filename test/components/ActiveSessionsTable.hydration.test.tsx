import '@testing-library/jest-dom/vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionClient } from '../../src/client';
import { ActiveSessionsTable } from '../../src/components';
import { SessionProvider } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { serverRenderThenHydrate } from '../react/helpers/hydrate';

let session: TestSession | undefined;
afterEach(async () => {
  cleanup();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
  await session?.dispose();
  session = undefined;
});

const tree = (client: SessionClient) => (
  <SessionProvider client={client}>
    <ActiveSessionsTable />
  </SessionProvider>
);

const hydrate = (
  client: SessionClient,
  onRecoverableError?: Parameters<typeof serverRenderThenHydrate>[2],
) => serverRenderThenHydrate(tree, client, onRecoverableError);

// React 18 warns about useLayoutEffect in a server render; the React 18 tier
// (vitest.react18.config.ts) runs this file too.
describe('ActiveSessionsTable server rendering', () => {
  it('renders on the server and hydrates with no warning and no recoverable error', async () => {
    session = createTestSession();
    await session.signIn();
    await session.addDevice({ model: 'Pixel 9' });
    const consoleError = vi.spyOn(console, 'error');
    const recoverable = vi.fn();
    await hydrate(session.client, recoverable);

    await screen.findByText('Pixel 9');
    expect(recoverable).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('still hands focus on to the next row once hydrated', async () => {
    session = createTestSession({ device: { model: 'MacBook Pro' } });
    await session.signIn();
    await session.addDevice({ model: 'Pixel 9' });
    await hydrate(session.client);
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Revoke Pixel 9 session' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Sign out MacBook Pro (this device)' }),
      ).toHaveFocus(),
    );
    // The revocation settles before the test ends, so nothing updates an unmounted table.
    expect(await screen.findByText('Pixel 9 signed out.')).toBeInTheDocument();
  });
});
