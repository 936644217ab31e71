import { createEnvironment } from '../client/environment';
import { createSessionClient } from '../client/sessionClient';
import { deleteStored } from '../client/storage';
import type {
  Profile,
  SessionClient,
  SessionClientEnvironment,
  SessionClientOptions,
  User,
} from '../client/types';
import type { BrowserBridge } from '../server/browserBridge';
import { createSessionServer } from '../server/createSessionServer';
import type { SessionServer, SessionServerOptions, SessionServerUser } from '../server/types';
import { deviceBridge, signInDevice } from './addDevice';
import { createMemoryLocks } from './createMemoryLocks';
import type { SignedInDevice, TestDeviceOptions } from './addDevice';

/** The account `signIn()` uses (`id`, when given, is the `sub` of its tokens). */
export type TestUser = SessionServerUser;

/** Options of {@link createTestSession}. */
export interface CreateTestSessionOptions {
  /** Options of the in-memory reference server (rate limits are off unless set here). */
  server?: SessionServerOptions;
  /** The default test user (default `test@example.com` / `test`). */
  user?: TestUser;
  /** Namespace of the client's key, locks and channels (default: a fresh one per call). */
  namespace?: string;
  /** One clock for the server and every client, in milliseconds. */
  now?: () => number;
  /**
   * The session API origin the clients use (default: the server's `publicOrigin`, else
   * `http://localhost`). Plain http makes the server's refresh cookie not `Secure`, unless
   * `server.cookieSecure` says otherwise.
   */
  baseUrl?: string;
  /** The device of `client` (default: a desktop Chrome in the US). */
  device?: TestDeviceOptions;
  /** More options of `client` and of the other tabs. */
  client?: Omit<SessionClientOptions, 'baseUrl' | 'fetch' | 'namespace' | 'now'>;
  /**
   * Wraps this device's `fetch` (of `client` and its tabs), for example to watch
   * requests or to stand in for a backend that answers differently.
   */
  fetch?: (inner: typeof fetch) => typeof fetch;
}

/** A session on another device, made through the real protocol; `client` is that device's. */
export type TestDevice<P extends Profile = Profile> = SignedInDevice<P>;

/** An in-memory reference server and a client wired to it; see {@link createTestSession}. */
export interface TestSession<P extends Profile = Profile> {
  server: SessionServer;
  /** This device's client (signed out until `signIn`). */
  client: SessionClient<P>;
  /** This device's `fetch` into the server, with its cookie jar. */
  bridge: BrowserBridge;
  user: TestUser;
  baseUrl: string;
  namespace: string;
  /** Signs the test user (or another configured user) in on `client`, through the protocol. */
  signIn(identifier?: string): Promise<User<P>>;
  /** Signs the same user in on another device: its own key, cookie jar, User-Agent and country. */
  addDevice(options?: TestDeviceOptions): Promise<TestDevice<P>>;
  /** Another tab of this device: a new client on the same cookie jar and namespace. */
  openTab(): SessionClient<P>;
  /** Disposes every client this test session made. */
  dispose(): Promise<void>;
}

const DEFAULT_USER: TestUser = {
  identifier: 'test@example.com',
  password: 'test',
  profile: { name: 'Test User', email: 'test@example.com' },
};

let sessions = 0;

/**
 * The environment with Web Locks: the browser's, else an in-memory manager per
 * simulated browser, so test DOMs without `navigator.locks` (happy-dom, jsdom) see
 * live peers and never wait `peerWaitMs` for a tab that does not exist.
 */
function withLocks(environment: SessionClientEnvironment = {}): SessionClientEnvironment {
  if ('locks' in environment) return environment;
  const native = (globalThis.navigator as Navigator | undefined)?.locks;
  return { ...environment, locks: native ?? createMemoryLocks() };
}

const freshNamespace = (): string =>
  `test-${(sessions += 1)}-${globalThis.crypto.randomUUID().slice(0, 8)}`;

/**
 * An in-memory reference server (rate limits off) and a session client wired to it
 * through the server's cookie-jar bridge: no network, in Node and in a browser alike.
 * Sign-in and extra devices go through the real protocol, so tests see what users see.
 *
 * @example
 * const session = createTestSession()
 * await session.signIn()
 * await session.addDevice({ deviceType: 'mobile', model: 'Pixel 9', country: 'FR' })
 * render(<SessionProvider client={session.client}><ActiveSessionsTable /></SessionProvider>)
 * afterEach(() => session.dispose())
 */
export function createTestSession<P extends Profile = Profile>(
  options: CreateTestSessionOptions = {},
): TestSession<P> {
  const user = options.user ?? DEFAULT_USER;
  const publicOrigin = options.server?.publicOrigin;
  const baseUrl =
    options.baseUrl ?? (publicOrigin ? new URL(publicOrigin).origin : 'http://localhost');
  // The in-memory server answers at its root, and a browser keeps a `Secure` cookie only
  // from https or localhost: refused, or matched, here rather than failing at sign-in.
  const base = URL.canParse(baseUrl) ? new URL(baseUrl) : null;
  if (!base || !/^https?:$/.test(base.protocol) || base.href !== base.origin + '/')
    throw new TypeError(
      `"baseUrl" of a test session must be an http(s) origin, such as "http://localhost"`,
    );
  const namespace = options.namespace ?? freshNamespace();
  const extraUsers = (options.server?.users ?? []).filter(
    (other) => other.identifier.trim().toLowerCase() !== user.identifier.trim().toLowerCase(),
  );
  const users = [user, ...extraUsers];
  const server = createSessionServer({
    rateLimit: false,
    ...(base.protocol === 'http:' ? { cookieSecure: false } : {}),
    ...options.server,
    users,
    ...(options.now ? { now: options.now } : {}),
  });
  const countryHeader = options.server?.countryHeader ?? 'cf-ipcountry';
  const clients: SessionClient<P>[] = [];

  // Tabs of this browser share its locks; each other device has its own.
  const environment = withLocks(options.client?.environment);
  const clientOn = (bridge: BrowserBridge, clientNamespace: string): SessionClient<P> => {
    const client = createSessionClient<P>({
      ...options.client,
      environment,
      baseUrl,
      fetch: options.fetch ? options.fetch(bridge.fetch) : bridge.fetch,
      namespace: clientNamespace,
      ...(options.now ? { now: options.now } : {}),
    });
    clients.push(client);
    return client;
  };

  const passwordOf = (identifier: string): string => {
    const wanted = identifier.trim().toLowerCase();
    const match = users.find((known) => known.identifier.trim().toLowerCase() === wanted);
    if (!match) throw new TypeError(`"identifier" is not a user of this test session`);
    return match.password;
  };

  // As the clients see it (an `environment` override, else the global).
  const indexedDBOf = () => createEnvironment({ baseUrl, environment }).indexedDB;
  const bridge = deviceBridge(server, { country: 'US', ...options.device }, countryHeader);
  const client = clientOn(bridge, namespace);
  let devices = 0;

  return {
    server,
    client,
    bridge,
    user,
    baseUrl,
    namespace,
    async signIn(identifier = user.identifier) {
      const { user: signedIn } = await client.loginWithPassword({
        identifier,
        password: passwordOf(identifier),
      });
      return signedIn;
    },
    async addDevice(device = {}) {
      const identifier = device.identifier ?? user.identifier;
      const signedIn = await signInDevice<P>(server, {
        ...device,
        identifier,
        password: passwordOf(identifier),
        baseUrl,
        countryHeader,
        namespace: `${namespace}:device-${(devices += 1)}`,
        ...(options.now ? { now: options.now } : {}),
        client: { ...options.client, environment: withLocks(options.client?.environment) },
      });
      clients.push(signedIn.client);
      return signedIn;
    },
    openTab() {
      // Without IndexedDB the key lives in one client's memory, as in a browser without it.
      if (!indexedDBOf())
        throw new TypeError(
          'openTab() needs IndexedDB, which tabs share: load fake-indexeddb in the test setup (import "fake-indexeddb/auto")',
        );
      return clientOn(bridge, namespace);
    },
    async dispose() {
      await Promise.all(clients.map((each) => each.dispose()));
      // A clean browser for the next test of this namespace: no key, marker or nonce left.
      const idb = indexedDBOf();
      if (idb) await deleteStored(idb, namespace).catch(() => {});
    },
  };
}
