import { StrictMode } from 'react';
import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import type { QueryClient } from '@tanstack/react-query';
import type { RevokeTarget, SessionClient } from '../../../src/client';
import type { SessionServer } from '../../../src/server';
import { SessionProvider } from '../../../src/react';

/** Renders `ui` under a provider of `client`, optionally in StrictMode. */
export function renderWithSession(
  ui: ReactNode,
  options: { client: SessionClient; strict?: boolean; queryClient?: QueryClient },
) {
  const wrap = (node: ReactNode) => {
    const tree = (
      <SessionProvider
        client={options.client}
        {...(options.queryClient ? { queryClient: options.queryClient } : {})}
      >
        {node}
      </SessionProvider>
    );
    return options.strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  const view = render(wrap(ui));
  return { ...view, rerender: (next: ReactNode) => view.rerender(wrap(next)) };
}

/** Live count of answered requests to a path (suffix match), by status. */
export function countRequests(server: SessionServer, path: string) {
  const statuses: number[] = [];
  server.onRequest((entry) => {
    if (entry.path.endsWith(path)) statuses.push(entry.status);
  });
  return statuses;
}

const keyOf = (target: RevokeTarget) => JSON.stringify(target);

/**
 * Wraps a client so that each `revokeSessions` call waits until the test releases
 * it, to hold several revocations in flight at once. Everything else passes through.
 */
export function holdRevocations(client: SessionClient) {
  const held = new Map<string, () => void>();
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'revokeSessions') return Reflect.get(target, property, receiver) as unknown;
      return async (revokeTarget: RevokeTarget) => {
        await new Promise<void>((resolve) => held.set(keyOf(revokeTarget), resolve));
        held.delete(keyOf(revokeTarget));
        return client.revokeSessions(revokeTarget);
      };
    },
  });
  return {
    client: proxy,
    isHeld: (target: RevokeTarget) => held.has(keyOf(target)),
    release(target: RevokeTarget) {
      const resolve = held.get(keyOf(target));
      if (!resolve) throw new Error(`no revocation of ${keyOf(target)} is held`);
      resolve();
    },
  };
}

/** A render counter: call `count()` in a component's body, read `renders`. */
export function renderCounter() {
  const counter = {
    renders: 0,
    count() {
      counter.renders += 1;
    },
  };
  return counter;
}
