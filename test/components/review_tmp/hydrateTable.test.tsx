import { act, cleanup, screen } from '@testing-library/react';
import { hydrateRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionClient } from '../../../src/client';
import { ActiveSessionsTable } from '../../../src/components';
import { SessionProvider } from '../../../src/react';
import { createTestSession } from '../../../src/testing';
import type { TestSession } from '../../../src/testing';

let session: TestSession;
let root: Root | undefined;
afterEach(async () => {
  act(() => root?.unmount());
  root = undefined;
  cleanup();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
  await session?.dispose();
});

const tree = (client: SessionClient, baseUrl?: string) =>
  baseUrl ? (
    <SessionProvider baseUrl={baseUrl}>
      <ActiveSessionsTable />
    </SessionProvider>
  ) : (
    <SessionProvider client={client}>
      <ActiveSessionsTable />
    </SessionProvider>
  );

describe('review: hydrating the table', () => {
  it('hydrates without complaints with a signed-in client', async () => {
    session = createTestSession();
    await session.signIn();
    await session.addDevice({ model: 'Pixel 9' });
    const serverClient = createTestSession().client;
    const errors: unknown[] = [];
    const consoleError = vi.spyOn(console, 'error').mockImplementation((...a) => errors.push(a));
    const html = renderToString(tree(serverClient));
    await serverClient.dispose();
    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.appendChild(container);
    const recoverable = vi.fn();
    await act(async () => {
      root = hydrateRoot(container, tree(session.client), { onRecoverableError: recoverable });
    });
    await screen.findByText('Pixel 9');
    expect(recoverable.mock.calls).toEqual([]);
    expect(errors).toEqual([]);
    void consoleError;
  });
});
