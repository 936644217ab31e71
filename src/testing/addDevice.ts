import { createSessionClient } from '../client/sessionClient';
import type { Profile, SessionClient, SessionClientOptions } from '../client/types';
import { createBrowserBridge } from '../server/browserBridge';
import type { BrowserBridge } from '../server/browserBridge';
import type { SessionServer } from '../server/types';

/** What a simulated device sends: its User-Agent, device hints and country header. */
export interface TestDeviceOptions {
  /** Picks a typical User-Agent (default `"desktop"`); ignored when `userAgent` is given. */
  deviceType?: 'desktop' | 'mobile' | 'tablet';
  userAgent?: string;
  /** Sent as the `model` device hint of `/login/finalize`, as Chrome's client hints would be. */
  model?: string;
  /** More device hints of `/login/finalize` (`platform`, `platformVersion`, `browser`, `mobile`…). */
  device?: Record<string, string | boolean>;
  /** Two-letter country code, sent in the server's country header. */
  country?: string;
  /** Who signs in on that device (default: the test user). */
  identifier?: string;
}

/** Options of {@link addDevice}. */
export interface AddDeviceOptions extends TestDeviceOptions {
  identifier: string;
  password: string;
  /** The session API origin (default `http://localhost`; the server's `publicOrigin` when it has one). */
  baseUrl?: string;
  /** The server's country header (default `cf-ipcountry`). */
  countryHeader?: string;
  /** The device's clock (default: the server's). */
  now?: () => number;
  /** Namespace of the device's key (default: a fresh one). */
  namespace?: string;
  /** More client options of the device. */
  client?: Omit<SessionClientOptions, 'baseUrl' | 'fetch' | 'namespace' | 'now'>;
}

/** A device signed in through the protocol, with its own client and cookie jar. */
export interface SignedInDevice<P extends Profile = Profile> {
  sessionId: string;
  client: SessionClient<P>;
  bridge: BrowserBridge;
}

const USER_AGENTS = {
  desktop:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  mobile:
    'Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  tablet:
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
} as const;

/**
 * Sends this simulated device's hints (or none) in the finalize body, in place of
 * whatever the real browser running the test would put there from its own User-Agent
 * Client Hints; every other request passes untouched.
 */
function withDeviceHints(fetchFn: typeof fetch, hints: Record<string, unknown>): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.endsWith('/login/finalize') || typeof init?.body !== 'string') {
      return fetchFn(input, init);
    }
    const { device: _real, ...body } = JSON.parse(init.body) as Record<string, unknown>;
    const device = Object.keys(hints).length > 0 ? { device: hints } : {};
    return fetchFn(input, { ...init, body: JSON.stringify({ ...body, ...device }) });
  }) as typeof fetch;
}

/** A cookie-jar bridge that sends what `device` describes. */
export function deviceBridge(
  server: SessionServer,
  device: TestDeviceOptions,
  countryHeader = 'cf-ipcountry',
): BrowserBridge {
  // Refused here, not dropped on the way: a test would look for a row that never shows.
  if (device.country !== undefined && !/^[A-Za-z]{2}$/.test(device.country))
    throw new TypeError(`"country" must be a two-letter country code such as "FR"`);
  if (device.deviceType !== undefined && !(device.deviceType in USER_AGENTS))
    throw new TypeError(`"deviceType" must be "desktop", "mobile" or "tablet"`);
  const bridge = createBrowserBridge(server, {
    userAgent: device.userAgent ?? USER_AGENTS[device.deviceType ?? 'desktop'],
    headers: device.country ? { [countryHeader]: device.country } : {},
  });
  const hints = {
    ...device.device,
    ...(device.model === undefined ? {} : { model: device.model }),
  };
  return { ...bridge, fetch: withDeviceHints(bridge.fetch, hints) };
}

/** Signs in on a new simulated device and keeps its client alive; the caller disposes it. */
export async function signInDevice<P extends Profile = Profile>(
  server: SessionServer,
  options: AddDeviceOptions,
): Promise<SignedInDevice<P>> {
  const bridge = deviceBridge(server, options, options.countryHeader);
  const client = createSessionClient<P>({
    ...options.client,
    baseUrl: options.baseUrl ?? server.publicOrigin ?? 'http://localhost',
    fetch: bridge.fetch,
    namespace: options.namespace ?? `device-${globalThis.crypto.randomUUID()}`,
    now: options.now ?? (() => server.now()),
  });
  try {
    const { user } = await client.loginWithPassword({
      identifier: options.identifier,
      password: options.password,
    });
    return { sessionId: user.sessionId, client, bridge };
  } catch (error) {
    await client.dispose();
    throw error;
  }
}

/**
 * Creates a session for a user from another simulated device, through the real
 * protocol (password step, DPoP-bound finalize) with that device's own key, cookie
 * jar, User-Agent, hints and country. For seeding demos and tests.
 *
 * @example
 * await addDevice(server, { identifier: 'ann@example.com', password: 'pw', deviceType: 'mobile', model: 'Pixel 9', country: 'FR' })
 */
export async function addDevice(
  server: SessionServer,
  options: AddDeviceOptions,
): Promise<{ sessionId: string }> {
  const { sessionId, client } = await signInDevice(server, options);
  // The session lives on at the server; the simulated browser is no longer needed.
  await client.dispose();
  return { sessionId };
}
