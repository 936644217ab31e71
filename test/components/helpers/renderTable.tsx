import '@testing-library/jest-dom/vitest';
import { QueryClient } from '@tanstack/react-query';
import { cleanup, configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, expect } from 'vitest';
import { createSessionClient } from '../../../src/client';
import type { SessionClient } from '../../../src/client/types';
import type { ActiveSessionsTableProps } from '../../../src/components';
import { ActiveSessionsTable } from '../../../src/components';
import { SessionProvider } from '../../../src/react';
import type { TestDeviceOptions, TestSession, TestUser } from '../../../src/testing';
import { createTestSession } from '../../../src/testing';

export { rewriteList } from '../../../stories/support/rewriteList';

const HOUR = 3_600_000;

// Generous waits: a loaded 2-core machine running every tier at once is slow, never wrong.
configure({ asyncUtilTimeout: 5000 });

/** The test clock: server, clients and table share it, so relative times are exact. */
export function createClock(start = Date.UTC(2026, 10, 23, 10)) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

export interface TableSetup {
  /** Devices signed in besides this one, oldest first; the clock moves an hour between them. */
  devices?: TestDeviceOptions[];
  /** Sign this device in first (default true). */
  signIn?: boolean;
  /** Render with a second tab of this device, which restores the session on mount. */
  newTab?: boolean;
  props?: Partial<ActiveSessionsTableProps>;
  /** Users the server knows besides the test user, to sign in as someone else. */
  users?: TestUser[];
  /** Wraps the client's fetch, for a backend that answers differently from the reference one. */
  fetch?: (inner: typeof fetch) => typeof fetch;
  before?: (session: TestSession) => void | Promise<void>;
}

const open: TestSession[] = [];
const disposables: SessionClient[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all([
    ...open.splice(0).map((session) => session.dispose()),
    ...disposables.splice(0).map((client) => client.dispose()),
  ]);
});

/**
 * Signs a user in on the in-memory reference server (this device first, then the
 * others an hour apart), and renders the table inside a SessionProvider.
 */
export async function renderTable(setup: TableSetup = {}) {
  const clock = createClock();
  const session = createTestSession({
    now: clock.now,
    ...(setup.users ? { server: { users: setup.users } } : {}),
    device: { deviceType: 'desktop', model: 'MacBook Pro', country: 'US' },
  });
  open.push(session);
  // A wrapped fetch needs its own client on this device's cookie jar.
  const client = setup.fetch
    ? createSessionClient({
        baseUrl: session.baseUrl,
        fetch: setup.fetch(session.bridge.fetch),
        namespace: `${session.namespace}:wrapped`,
        now: clock.now,
      })
    : session.client;
  if (setup.fetch) disposables.push(client);
  if (setup.signIn !== false) await client.loginWithPassword(session.user);
  const shown = setup.newTab ? session.openTab() : client;
  const devices = [];
  for (const device of setup.devices ?? []) {
    clock.advance(HOUR);
    devices.push(await session.addDevice(device));
  }
  clock.advance(HOUR);
  await setup.before?.(session);
  // Retries stay (the hooks decide them) but without waiting between attempts.
  const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 0 } } });
  const view = render(
    <SessionProvider client={shown} queryClient={queryClient}>
      <ActiveSessionsTable now={clock.now} {...setup.props} />
    </SessionProvider>,
  );
  return { ...view, session, client: shown, devices, clock, queryClient, user: userEvent.setup() };
}

/** Common devices for the tests: one per type, in three countries. */
export const sampleDevices: TestDeviceOptions[] = [
  {
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    model: 'ThinkPad X1',
    country: 'DE',
  },
  { deviceType: 'tablet', model: 'iPad Air', country: 'JP' },
  { deviceType: 'mobile', model: 'Pixel 9', country: 'FR' },
];

/** `count` other devices, "Device 1" (the oldest, so the last row) to "Device n". */
export const numberedDevices = (count: number): TestDeviceOptions[] =>
  Array.from({ length: count }, (_, i) => ({
    deviceType: i % 2 ? 'mobile' : 'tablet',
    model: `Device ${i + 1}`,
    country: 'CA',
  }));

/** The table's paging controls. */
export const pages = () => screen.getByRole('navigation', { name: 'Active sessions pages' });

/**
 * 20 other devices plus this one, revoked without confirmation, shown on the last page
 * ("21–21 of 21", Device 1 alone).
 */
export async function renderOnLastPage() {
  const rendered = await renderTable({ devices: numberedDevices(20), props: { confirm: false } });
  await screen.findByRole('rowheader', { name: /MacBook Pro/ });
  await rendered.user.click(within(pages()).getByRole('button', { name: 'Next' }));
  await rendered.user.click(within(pages()).getByRole('button', { name: 'Next' }));
  await waitFor(() => expect(pages()).toHaveTextContent('21–21 of 21'));
  return rendered;
}
