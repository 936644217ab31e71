// <ActiveSessionsTable> in real Chromium, fed by the reference server running in the
// page: 100 sessions of one user (this device plus 99 made through the real login).
import { QueryClient } from '@tanstack/react-query';
import { Profiler } from 'react';
import type { ProfilerOnRenderCallback } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import type { Root } from 'react-dom/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActiveSessionsTable } from '../src/components';
import '../src/components/ActiveSessionsTable/styles.css';
import { SessionProvider } from '../src/react';
import { createTestSession } from '../src/testing';
import type { TestDeviceOptions, TestSession } from '../src/testing';
import { median, record } from './record';
import type { Figure } from './record';

const ROWS = 100;
const SLOW = { timeout: 30_000 };

const figures: Figure[] = [];
let session: TestSession;
let seedDetail = '';

/** 99 other devices: phones, tablets and desktops in several countries. */
function otherDevices(count: number): TestDeviceOptions[] {
  const countries = ['BR', 'CA', 'DE', 'FR', 'IN', 'JP', 'KE', 'NL', 'SE', 'SG'];
  const types = ['mobile', 'tablet', 'desktop'] as const;
  return Array.from({ length: count }, (_, i) => ({
    deviceType: types[i % types.length],
    model: `Device ${i + 1}`,
    country: countries[i % countries.length],
  }));
}

beforeAll(async () => {
  session = createTestSession();
  await session.signIn();
  const devices = otherDevices(ROWS - 1);
  const start = performance.now();
  // Small parallel batches: 99 logins one by one take a while (key, proof, jose checks each).
  for (let i = 0; i < devices.length; i += 8) {
    await Promise.all(devices.slice(i, i + 8).map((device) => session.addDevice(device)));
  }
  seedDetail = `${devices.length} devices signed in through the protocol in ${Math.round(performance.now() - start)} ms`;
}, 120_000);

afterAll(async () => {
  await record('table', figures);
  await session.dispose();
});

/** Renders the table in a fresh root; `onRender` sees every commit of the whole tree. */
function mount(queryClient: QueryClient, onRender: ProfilerOnRenderCallback, sync: boolean) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const element = (
    <Profiler id="table" onRender={onRender}>
      <SessionProvider client={session.client} queryClient={queryClient}>
        <ActiveSessionsTable pageSize={ROWS} confirm={false} />
      </SessionProvider>
    </Profiler>
  );
  if (sync) flushSync(() => root.render(element));
  else root.render(element);
  return { container, root };
}

const rowsOf = (container: HTMLElement) =>
  container.querySelectorAll<HTMLTableRowElement>('tbody tr[data-session-id]');

function unmount({ container, root }: { container: HTMLElement; root: Root }) {
  root.unmount();
  container.remove();
}

const round = (ms: number) => Number(ms.toFixed(2));

describe('ActiveSessionsTable', () => {
  it('renders a page of 100 rows', async () => {
    const queryClient = new QueryClient();
    const idle = () => vi.waitFor(() => expect(queryClient.isFetching()).toBe(0), SLOW);

    // Cold: the first mount fetches /me/list from the in-page server.
    let start = performance.now();
    const cold = mount(queryClient, () => {}, false);
    await vi.waitFor(() => expect(rowsOf(cold.container)).toHaveLength(ROWS), SLOW);
    const coldMs = performance.now() - start;
    await idle();
    unmount(cold);

    // Warm: the page is cached, so the first commit already holds the 100 rows; what is
    // timed is React's render and commit (plus style and layout, forced right after).
    const commits: number[] = [];
    const withLayout: number[] = [];
    const profiled: number[] = [];
    for (let run = 0; run < 23; run++) {
      let mountDuration = 0;
      start = performance.now();
      const warm = mount(
        queryClient,
        (_id, phase, actualDuration) => {
          if (phase === 'mount') mountDuration = actualDuration;
        },
        true,
      );
      const committed = performance.now();
      void warm.container.offsetHeight;
      const laidOut = performance.now();
      expect(rowsOf(warm.container)).toHaveLength(ROWS);
      if (run >= 3) {
        // the first runs warm the JIT
        commits.push(committed - start);
        withLayout.push(laidOut - start);
        profiled.push(mountDuration);
      }
      await idle(); // the background refetch of a stale page lands before the next run
      unmount(warm);
    }
    figures.push({
      name: 'ActiveSessionsTable: render a 100-row page to commit',
      value: median(commits),
      unit: 'ms',
      budget: 16,
      detail: `median of ${commits.length} (min ${round(Math.min(...commits))} ms), production React; with style+layout ${round(median(withLayout))} ms; cold mount with /me/list ${round(coldMs)} ms; ${seedDetail}`,
    });
  });

  it('removes a revoked row before the server answers', async () => {
    const queryClient = new QueryClient();
    const commits: Array<{ actualDuration: number; commitTime: number }> = [];
    const table = mount(
      queryClient,
      (_id, _phase, actualDuration, _baseDuration, _startTime, commitTime) => {
        commits.push({ actualDuration, commitTime });
      },
      false,
    );
    await vi.waitFor(() => expect(rowsOf(table.container).length).toBeGreaterThan(ROWS - 15), SLOW);
    const rowsBefore = rowsOf(table.container).length;
    const tbody = table.container.querySelector('tbody')!;
    const latencyMs = 500;

    const removals: number[] = [];
    const answers: number[] = [];
    const renderTimes: number[] = [];
    const commitCounts: number[] = [];
    const repetitions = 12;
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const row = [...rowsOf(table.container)].find((each) => !('current' in each.dataset))!;
      const button = row.querySelector<HTMLButtonElement>('button.rds-row-action')!;
      session.server.faults.add({ path: '/me/revoke', latencyMs });
      let start = 0;
      const removed = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if (!row.isConnected) {
            observer.disconnect();
            resolve(performance.now());
          }
        });
        observer.observe(tbody, { childList: true });
      });
      const answered = new Promise<number>((resolve) => {
        const stop = session.server.onRequest((entry) => {
          if (entry.path.endsWith('/me/revoke')) {
            stop();
            resolve(performance.now());
          }
        });
      });
      const seen = commits.length;
      start = performance.now();
      button.click();
      const removedAt = await removed;
      removals.push(removedAt - start);
      // React's own work between the click and the removal, commit by commit.
      const between = commits.slice(seen);
      commitCounts.push(between.length);
      renderTimes.push(between.reduce((sum, each) => sum + each.actualDuration, 0));
      answers.push((await answered) - start);
      // The revocation settles and the list refetches before the next click.
      await vi.waitFor(() => {
        expect(queryClient.isMutating()).toBe(0);
        expect(queryClient.isFetching()).toBe(0);
      }, SLOW);
      expect(await session.server.admin.isSessionActive(row.dataset.sessionId!)).toBe(false);
    }
    const rowsAfter = rowsOf(table.container).length;
    unmount(table);
    figures.push({
      name: 'ActiveSessionsTable: revoke click to row removed from the DOM',
      value: median(removals),
      unit: 'ms',
      budget: 16,
      detail: `median of ${repetitions} (min ${round(Math.min(...removals))}, max ${round(Math.max(...removals))} ms), confirm={false}, rows ${rowsBefore}→${rowsAfter}; server answered after ${round(median(answers))} ms (${latencyMs} ms latency injected)`,
    });
  });
});
