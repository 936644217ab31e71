import '@testing-library/jest-dom/vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { hydrateRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionClient } from '../../src/client';
import { ActiveSessionsTable } from '../../src/components';
import { SessionProvider } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';

let session: TestSession | undefined;
let root: Root | undefined;
afterEach(async () => {
  act(() => root?.unmount());
  root = undefined;
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

/** Renders the table as a server would, then hydrates that HTML with this device's client. */
async function serverRenderThenHydrate(client: SessionClient, onRecoverableError = vi.fn()) {
  // The server knows nobody: the key and the refresh cookie are browser secrets.
  const serverClient = createTestSession().client;
  const html = renderToString(tree(serverClient));
  await serverClient.dispose();
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.appendChild(container);
  await act(async () => {
    root = hydrateRoot(container, tree(client), { onRecoverableError });
  });
}

// React 18 warns about useLayoutEffect in a server render; the React 18 tier
// (vitest.react18.config.ts) runs this file too.
describe('ActiveSessionsTable server rendering', () => {
  it('renders on the server and hydrates with no warning and no recoverable error', async () => {
    session = createTestSession();
    await session.signIn();
    await session.addDevice({ model: 'Pixel 9' });
    const consoleError = vi.spyOn(console, 'error');
    const recoverable = vi.fn();
    await serverRenderThenHydrate(session.client, recoverable);

    await screen.findByText('Pixel 9');
    expect(recoverable).not.toHaveBeenCalled();
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('still hands focus on to the next row once hydrated', async () => {
    session = createTestSession({ device: { model: 'MacBook Pro' } });
    await session.signIn();
    await session.addDevice({ model: 'Pixel 9' });
    await serverRenderThenHydrate(session.client);
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
