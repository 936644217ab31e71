// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Browser globals that our code must never read while importing or server-rendering.
// Dependencies may feature-detect (TanStack's `typeof window`, jose's `typeof navigator`),
// so each read is attributed to the module that made it.
const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'BroadcastChannel',
  'self',
  'addEventListener',
  'matchMedia',
  'requestAnimationFrame',
  'history',
] as const;

const touched: Array<{ name: string; by: string }> = [];
const OUR_CODE = /\/src\/(client|react|server|testing|components)\//;
const byOurCode = () =>
  touched.filter(({ by }) => OUR_CODE.test(by) && !by.includes('node_modules'));
const originals = new Map<string, PropertyDescriptor | undefined>();

beforeAll(() => {
  for (const name of BROWSER_GLOBALS) {
    const original = Object.getOwnPropertyDescriptor(globalThis, name);
    originals.set(name, original);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        // Line 0 is the message, line 1 this getter, line 2 the reader.
        touched.push({ name, by: new Error().stack?.split('\n')[2] ?? '' });
        return original?.get ? original.get.call(globalThis) : original?.value;
      },
    });
  }
});

afterAll(() => {
  for (const [name, original] of originals) {
    if (original) Object.defineProperty(globalThis, name, original);
    else delete (globalThis as Record<string, unknown>)[name];
  }
});

describe('server rendering', () => {
  it('runs where there is no window', () => {
    expect(originals.get('window')).toBeUndefined();
    expect(originals.get('document')).toBeUndefined();
  });

  it('imports the React bindings and the testing helpers without touching a browser global', async () => {
    await import('../../src/react');
    await import('../../src/testing');
    // The probe can fail: the import really went through the trapped globals.
    expect(touched.map(({ name }) => name)).toContain('window');
    expect(byOurCode()).toEqual([]);
  });

  it('renders every hook as "loading" with renderToString and touches no browser global', async () => {
    const { renderToString } = await import('react-dom/server');
    const react = await import('../../src/react');
    function Everything() {
      const { status } = react.useSession();
      const { accessToken } = react.useAccessToken();
      react.useAuthFetch();
      const { sessions, fetchStatus } = react.useSessions();
      const { pendingTargets } = react.useRevoke();
      const login = react.useLogin();
      const logout = react.useLogout();
      return (
        <main>
          <p>status: {status}</p>
          <p>token: {String(accessToken)}</p>
          <p>
            sessions: {sessions.length} ({fetchStatus}), revoking: {pendingTargets.length}
          </p>
          <p>
            login: {login.status}, logout: {logout.status}
          </p>
        </main>
      );
    }
    const html = renderToString(
      <react.SessionProvider baseUrl="https://app.example.com">
        <Everything />
      </react.SessionProvider>,
    );
    expect(html).toContain('status: <!-- -->loading');
    expect(html).toContain('token: <!-- -->null');
    expect(html).toContain('sessions: <!-- -->0<!-- --> (<!-- -->idle<!-- -->)');
    expect(html).toContain('login: <!-- -->idle');
    expect(byOurCode()).toEqual([]);
  });
});
