import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { DemoServer } from '../../examples/demo/server/startDemoServer';
import type { SessionServerOptions } from '../../src/server';
import { expectSignedIn, launchChromium, newDevice, openTab, signIn, startDemo } from './helpers';
import { watchInvariants, type InvariantWatch } from './invariants';

/** Runs in every tab before the app: remembers any Web Lock request that asks to steal. */
function recordStolenLocks() {
  const w = window as unknown as { __stolenLocks: string[] };
  w.__stolenLocks = [];
  const request = LockManager.prototype.request as (...args: unknown[]) => Promise<unknown>;
  LockManager.prototype.request = function (this: LockManager, ...args: unknown[]) {
    const options = args.length > 2 ? (args[1] as LockOptions | undefined) : undefined;
    if (options?.steal) w.__stolenLocks.push(String(args[0]));
    return request.apply(this, args);
  } as LockManager['request'];
}

/** Whether any tab asked to steal a Web Lock (see `recordStolenLocks`). */
export async function stolenLocks(pages: Page[]): Promise<string[]> {
  const all = await Promise.all(
    pages.map((page) =>
      page.evaluate(() => (window as unknown as { __stolenLocks: string[] }).__stolenLocks),
    ),
  );
  return all.flat();
}

/**
 * Registers the hooks of a reliability test file: one Chromium for the file, and per test a
 * demo server, an invariant watch, and devices that are all closed afterwards.
 */
export function setUpReliabilityHarness() {
  let browser: Browser;
  let demo: DemoServer | undefined;
  let watch: InvariantWatch | undefined;
  let devices: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    watch?.stop();
    watch = undefined;
    for (const device of devices) await device.close();
    devices = [];
    await demo?.close();
    demo = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  const harness = {
    /** Starts the demo (rate limits off) and the invariant watch. */
    async start(
      server: Partial<SessionServerOptions> = {},
    ): Promise<{ demo: DemoServer; watch: InvariantWatch }> {
      demo = await startDemo(server);
      watch = watchInvariants(demo);
      return { demo, watch };
    },
    /** A new device (browser context), watched. */
    async device(): Promise<BrowserContext> {
      const device = await newDevice(browser);
      devices.push(device);
      await device.addInitScript(recordStolenLocks);
      watch!.watchDevice(device);
      return device;
    },
    /** A device with `tabs` tabs, signed in from the first; every tab recorded. */
    async signedInDevice(tabs: number): Promise<{ device: BrowserContext; pages: Page[] }> {
      const device = await harness.device();
      const pages = [await openTab(device, demo!.url)];
      await signIn(pages[0]!);
      while (pages.length < tabs) {
        const page = await openTab(device, demo!.url);
        await expectSignedIn(page);
        pages.push(page);
      }
      for (const page of pages) await watch!.recordTab(page);
      return { device, pages };
    },
  };
  return harness;
}
