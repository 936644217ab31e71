import { StrictMode, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessionClient, type SessionClient } from '../../src/client';
import { SessionProvider, useSession } from '../../src/react';
import {
  ADA,
  BASE_URL,
  createRig,
  disposeRigs,
  expectInvariants,
  type Rig,
  type RigDevice,
} from './helpers/createRig';

const roots: Root[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) r.unmount();
  await disposeRigs();
});

function Status() {
  const { status, sessionId } = useSession();
  return <output data-status={status} data-session={sessionId ?? ''} />;
}

function mount() {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  roots.push(root);
  const status = () => container.querySelector('output')?.dataset.status;
  // flushSync commits and runs the effects at once: a mount, then an unmount, with no pause.
  const render = (node: ReactNode) => flushSync(() => root.render(<StrictMode>{node}</StrictMode>));
  return { root, status, render };
}

/** A device signed in by a tab that is then closed: the next provider must restore. */
async function signedInThenClosed(rig: Rig) {
  const device = rig.device();
  const first = device.tab();
  await first.loginWithPassword(ADA);
  await first.dispose();
  return device;
}

const providerOf = (rig: Rig, device: RigDevice) => (
  <SessionProvider
    baseUrl={BASE_URL}
    fetch={device.fetch}
    namespace={device.namespace}
    now={rig.now}
  >
    <Status />
  </SessionProvider>
);

/** No lock left behind: only live clients hold presence, and nobody holds or waits for the refresh lock. */
async function expectLocks(rig: Rig, device: RigDevice, presence: number) {
  await vi.waitFor(async () => {
    expect(await rig.locksOf(device.namespace)).toEqual({ presence, refresh: 0 });
  });
}

describe('StrictMode and fast remounts', () => {
  it('restores once in StrictMode and leaves no lock behind on unmount', async () => {
    const rig = createRig();
    const device = await signedInThenClosed(rig);
    const ui = mount();
    ui.render(providerOf(rig, device));
    await vi.waitFor(() => expect(ui.status()).toBe('authenticated'));
    expect(rig.count('/refresh')).toBe(1);
    await expectLocks(rig, device, 1);
    ui.root.unmount();
    await expectLocks(rig, device, 0);
    expectInvariants(rig, [device]);
  });

  it('leaves no orphaned lock and never two refreshes at once after ten fast remounts of a provider that owns its client', async () => {
    const rig = createRig();
    const device = await signedInThenClosed(rig);
    const ui = mount();
    for (let i = 0; i < 10; i++) {
      ui.render(providerOf(rig, device));
      ui.render(null);
    }
    ui.render(providerOf(rig, device));
    await vi.waitFor(() => expect(ui.status()).toBe('authenticated'));
    await expectLocks(rig, device, 1);
    expectInvariants(rig, [device]);
    // Re-rendering the mounted provider costs nothing.
    const before = rig.count('/refresh');
    for (let i = 0; i < 5; i++) ui.render(<>{providerOf(rig, device)}</>);
    await vi.waitFor(() => expect(ui.status()).toBe('authenticated'));
    expect(rig.count('/refresh')).toBe(before);
    ui.root.unmount();
    await expectLocks(rig, device, 0);
  });

  it('makes one refresh however fast a provider that owns its client remounts', async () => {
    const rig = createRig();
    const device = await signedInThenClosed(rig);
    const ui = mount();
    for (let i = 0; i < 10; i++) {
      ui.render(providerOf(rig, device));
      ui.render(null);
    }
    ui.render(providerOf(rig, device));
    await vi.waitFor(() => expect(ui.status()).toBe('authenticated'));
    // The first restore's token is fresh: every later mount is a duplicate refresh.
    expect(rig.count('/refresh')).toBe(1);
  });

  it('makes one refresh for an app-owned client however often its provider remounts', async () => {
    const rig = createRig();
    const device = await signedInThenClosed(rig);
    const client: SessionClient = device.tab();
    const ui = mount();
    const tree = (
      <SessionProvider client={client}>
        <Status />
      </SessionProvider>
    );
    for (let i = 0; i < 10; i++) {
      ui.render(tree);
      ui.render(null);
    }
    ui.render(tree);
    await vi.waitFor(() => expect(ui.status()).toBe('authenticated'));
    expect(rig.count('/refresh')).toBe(1);
    await expectLocks(rig, device, 1);
    ui.root.unmount();
    await client.dispose();
    await expectLocks(rig, device, 0);
    expectInvariants(rig, [device]);
  });

  it('keeps coalescing after remounts: a due token is refreshed once for every tab', async () => {
    const rig = createRig();
    const device = await signedInThenClosed(rig);
    const ui = mount();
    for (let i = 0; i < 5; i++) {
      ui.render(providerOf(rig, device));
      ui.render(null);
    }
    ui.render(providerOf(rig, device));
    await vi.waitFor(() => expect(ui.status()).toBe('authenticated'));
    const other = createSessionClient({
      baseUrl: BASE_URL,
      fetch: device.fetch,
      namespace: device.namespace,
      now: rig.now,
    });
    await other.getAccessToken();
    const before = rig.count('/refresh');
    rig.advance(301);
    await Promise.all(Array.from({ length: 10 }, () => other.getAccessToken()));
    expect(rig.count('/refresh')).toBe(before + 1);
    await other.dispose();
    expectInvariants(rig, [device]);
  });
});
