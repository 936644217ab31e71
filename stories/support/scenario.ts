import { QueryClient } from '@tanstack/react-query';
import { createSessionClient } from '../../src/client';
import type { SessionClient } from '../../src/client/types';
import type { TestDevice, TestDeviceOptions, TestSession } from '../../src/testing';
import { createTestSession } from '../../src/testing';

const HOUR = 3_600_000;

const WINDOWS_EDGE =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

/** Three other devices, one of each type, in three countries. */
export const otherDevices: TestDeviceOptions[] = [
  { userAgent: WINDOWS_EDGE, model: 'ThinkPad X1', country: 'DE' },
  { deviceType: 'tablet', model: 'iPad Air', country: 'JP' },
  { deviceType: 'mobile', model: 'Pixel 9', country: 'FR' },
];

/** `count` phones and tablets for the paging story. */
export function manyDevices(count: number): TestDeviceOptions[] {
  const countries = ['BR', 'CA', 'IN', 'KE', 'NL', 'NZ', 'SE', 'SG'];
  return Array.from({ length: count }, (_, i) => ({
    ...(i % 3 === 0
      ? { userAgent: IPHONE_SAFARI }
      : { deviceType: i % 3 === 1 ? 'mobile' : 'tablet' }),
    model: i % 3 === 0 ? `iPhone ${12 + (i % 5)}` : `Device ${i + 1}`,
    country: countries[i % countries.length],
  })) as TestDeviceOptions[];
}

export interface ScenarioOptions {
  /** Other devices, signed in an hour apart, oldest first. */
  devices?: TestDeviceOptions[];
  /** Sign this device in (default true). */
  signIn?: boolean;
  /** Wraps this device's fetch, for a backend that answers differently. */
  fetch?: (inner: typeof fetch) => typeof fetch;
  /** Runs after sign-in, before the story renders (faults go here). */
  prepare?: (session: TestSession) => void | Promise<void>;
}

/** What a story renders with: a real server in the page, and this device's client. */
export interface Scenario {
  session: TestSession;
  /** The other devices' sessions, in the order they were given. */
  devices: TestDevice[];
  client: SessionClient;
  queryClient: QueryClient;
  now: () => number;
}

const live: Array<() => Promise<void>> = [];

/**
 * The page simulates several devices, each with its own User-Agent; the real browser's
 * client hints (Chromium sends platform "Linux", mobile false) would win over those
 * and make every simulated device the machine running Storybook.
 */
function hideRealClientHints(): void {
  if (typeof navigator === 'undefined' || !('userAgentData' in navigator)) return;
  Object.defineProperty(navigator, 'userAgentData', { value: undefined, configurable: true });
}

/** Disposes the scenarios of earlier stories: their clients, channels and locks. */
export async function disposeScenarios(): Promise<void> {
  await Promise.all(live.splice(0).map((dispose) => dispose()));
}

/** Disposes earlier stories' scenarios, then builds one; see {@link buildScenario}. */
export async function createScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  await disposeScenarios();
  return buildScenario(options);
}

/**
 * Builds a scenario: the reference server in the browser, this device (a Mac in the US)
 * signed in a day ago, the other devices since, and the clock back at the real time.
 */
export async function buildScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  hideRealClientHints();
  const devices = options.devices ?? [];
  // Start in the past so rows show varied times; end at the real time.
  let offset = -(devices.length + 26) * HOUR;
  const now = () => Date.now() + offset;
  const session = createTestSession({
    now,
    device: { deviceType: 'desktop', model: 'MacBook Pro', country: 'US' },
  });
  const client = options.fetch
    ? createSessionClient({
        baseUrl: session.baseUrl,
        fetch: options.fetch(session.bridge.fetch),
        namespace: `${session.namespace}:wrapped`,
        now,
      })
    : session.client;
  live.push(async () => {
    await session.dispose();
    if (client !== session.client) await client.dispose();
  });
  if (options.signIn !== false) await client.loginWithPassword(session.user);
  offset += 24 * HOUR;
  // Logins in small parallel batches when there are many (47 one by one is slow);
  // one at a time otherwise, an hour apart.
  const batch = devices.length > 8 ? 8 : 1;
  const signedIn: TestDevice[] = [];
  for (let i = 0; i < devices.length; i += batch) {
    const group = devices.slice(i, i + batch);
    signedIn.push(...(await Promise.all(group.map((device) => session.addDevice(device)))));
    offset += HOUR;
  }
  offset = 0;
  await options.prepare?.(session);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 10 } } });
  return { session, devices: signedIn, client, queryClient, now };
}
