import { act } from '@testing-library/react';
import type { ReactNode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, vi } from 'vitest';
import type { SessionClient } from '../../../src/client';
import { createTestSession } from '../../../src/testing';

const roots: Root[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) act(() => root.unmount());
});

/**
 * Renders `tree` as a server would, with a client that knows nothing (the key and cookie
 * are browser secrets), then hydrates that HTML with `client`; `onRecoverableError` and a
 * `console.error` spy record every hydration complaint.
 */
export async function serverRenderThenHydrate(
  tree: (client: SessionClient) => ReactNode,
  client: SessionClient,
  onRecoverableError = vi.fn<(error: unknown) => void>(),
) {
  const serverClient = createTestSession().client;
  const html = renderToString(tree(serverClient));
  await serverClient.dispose();
  const container = document.createElement('div');
  container.innerHTML = html;
  document.body.appendChild(container);
  const consoleError = vi.spyOn(console, 'error');
  await act(async () => {
    roots.push(hydrateRoot(container, tree(client), { onRecoverableError }));
  });
  return { html, complaints: () => [...onRecoverableError.mock.calls, ...consoleError.mock.calls] };
}
