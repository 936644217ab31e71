// Sign-out propagation as the end-to-end tier sees it: 6 tabs of one device, each its
// own client instance and React root on one namespace (so they share the browser's real
// BroadcastChannel, Web Locks and IndexedDB), a click on "Sign out" in one, and the time
// until every tab's page says it is signed out. The tabs share this page's event loop;
// see bench/README.md for what that leaves out.
import { createRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionProvider, useSession } from '../src/react';
import { createTestSession } from '../src/testing';
import { median, record } from './record';
import type { Figure } from './record';

const TABS = 6;
const figures: Figure[] = [];
afterAll(() => record('signout-tabs', figures));

/** What each tab shows: its status, and a sign-out button. */
function Page() {
  const { status, logout } = useSession();
  return (
    <main data-status={status}>
      <p>{status === 'unauthenticated' ? 'Signed out' : status}</p>
      <button type="button" onClick={() => void logout()}>
        Sign out
      </button>
    </main>
  );
}

/** Resolves with the time the tab's page first shows `unauthenticated`. */
function signedOutIn(container: HTMLElement): Promise<number> {
  const shown = () => container.querySelector('[data-status="unauthenticated"]') !== null;
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (shown()) {
        observer.disconnect();
        resolve(performance.now());
      }
    });
    observer.observe(container, { subtree: true, attributes: true, childList: true });
  });
}

describe('sign-out between tabs', () => {
  it('shows every tab signed out after a click in one', async () => {
    const repetitions = 10;
    const latencies: number[] = [];
    const own: number[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const session = createTestSession(); // a fresh namespace each time
      await session.signIn();
      const clients = [
        session.client,
        ...Array.from({ length: TABS - 1 }, () => session.openTab()),
      ];
      await Promise.all(clients.map((client) => client.getAccessToken()));
      const tabs = clients.map((client) => {
        const container = document.createElement('div');
        document.body.append(container);
        const root: Root = createRoot(container);
        root.render(
          <SessionProvider client={client}>
            <Page />
          </SessionProvider>,
        );
        return { container, root };
      });
      await expect
        .poll(() =>
          tabs.every(({ container }) => container.querySelector('[data-status="authenticated"]')),
        )
        .toBe(true);

      const [leaving, ...others] = [tabs[3]!, ...tabs.filter((_, i) => i !== 3)];
      const ownShown = signedOutIn(leaving.container);
      const othersShown = Promise.all(others.map(({ container }) => signedOutIn(container)));
      const start = performance.now();
      leaving.container.querySelector('button')!.click();
      latencies.push(Math.max(...(await othersShown)) - start);
      own.push((await ownShown) - start);

      for (const { container, root } of tabs) {
        root.unmount();
        container.remove();
      }
      await session.dispose();
    }
    figures.push({
      name: `sign-out propagation, click in 1 tab to ${TABS - 1} other tabs showing signed out`,
      value: median(latencies),
      unit: 'ms',
      budget: 1000,
      detail: `median of ${repetitions} (max ${Math.max(...latencies).toFixed(2)} ms); the clicked tab shows it after ${median(own).toFixed(2)} ms; tabs are client instances + React roots in one page`,
    });
  });
});
