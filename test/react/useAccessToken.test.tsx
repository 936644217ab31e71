import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useAccessToken, useAuthFetch } from '../../src/react';
import type { UseAccessTokenResult } from '../../src/react';
import { createTestSession } from '../../src/testing';
import type { TestSession } from '../../src/testing';
import { renderCounter, renderWithSession } from './helpers/session';

let session: TestSession;
let t: number;
afterEach(async () => {
  cleanup();
  await session?.dispose();
});

/** A signed-in test session on an injected clock. */
async function signedIn(): Promise<TestSession> {
  t = Date.UTC(2030, 0, 1);
  session = createTestSession({ now: () => t });
  await session.signIn();
  return session;
}

/** Lets the access token come due, then asks for one: one refresh. */
async function refreshToken(): Promise<string | null> {
  t += 290_000;
  let token: string | null = null;
  await act(async () => {
    token = await session.client.getAccessToken();
  });
  return token;
}

describe('useAccessToken', () => {
  it('shows the access token and its expiry, and follows a refresh', async () => {
    await signedIn();
    function Token() {
      const { accessToken, expiresAt } = useAccessToken();
      return (
        <p>
          {accessToken ? accessToken.slice(-12) : 'none'} until{' '}
          {expiresAt?.toISOString() ?? 'never'}
        </p>
      );
    }
    const first = session.client.getSnapshot().user!;
    renderWithSession(<Token />, { client: session.client });
    expect(
      screen.getByText(`${first.accessToken.slice(-12)} until ${first.expiresAt.toISOString()}`),
    ).toBeTruthy();

    const next = await refreshToken();
    const user = session.client.getSnapshot().user!;
    expect(next).toBe(user.accessToken);
    expect(
      screen.getByText(`${user.accessToken.slice(-12)} until ${user.expiresAt.toISOString()}`),
    ).toBeTruthy();
  });

  it('reads null while signed out', async () => {
    session = createTestSession();
    function Token() {
      const { accessToken, expiresAt } = useAccessToken();
      return <p>{`${accessToken} ${expiresAt}`}</p>;
    }
    renderWithSession(<Token />, { client: session.client });
    await screen.findByText('null null');
  });

  it('gives a stable getAccessToken that resolves the current token', async () => {
    await signedIn();
    const seen: UseAccessTokenResult['getAccessToken'][] = [];
    function Reader() {
      const { accessToken, getAccessToken } = useAccessToken();
      seen.push(getAccessToken);
      return <p>{accessToken?.slice(-12)}</p>;
    }
    renderWithSession(<Reader />, { client: session.client });
    const next = await refreshToken();
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(1);
    await expect(seen[0]!()).resolves.toBe(next);
  });

  it('does not re-render a component that reads only getAccessToken when the token refreshes', async () => {
    await signedIn();
    const onlyGetter = renderCounter();
    const readsToken = renderCounter();
    function GetterOnly() {
      onlyGetter.count();
      const { getAccessToken } = useAccessToken();
      return <button onClick={() => void getAccessToken()}>call api</button>;
    }
    function TokenReader() {
      readsToken.count();
      return <p>{useAccessToken().accessToken?.slice(-12)}</p>;
    }
    renderWithSession(
      <>
        <GetterOnly />
        <TokenReader />
      </>,
      { client: session.client },
    );
    const [getterBefore, readerBefore] = [onlyGetter.renders, readsToken.renders];
    await refreshToken();
    await refreshToken();
    expect(onlyGetter.renders).toBe(getterBefore);
    expect(readsToken.renders).toBe(readerBefore + 2);
  });

  it('re-renders a component that reads expiresAt when the expiry or the sign-in changes', async () => {
    await signedIn();
    const counter = renderCounter();
    function Expiry() {
      counter.count();
      return <p>{useAccessToken().expiresAt ? 'has expiry' : 'no expiry'}</p>;
    }
    renderWithSession(<Expiry />, { client: session.client });
    const before = counter.renders;
    await refreshToken();
    // The expiry moved, so it re-renders once: tracking is per property, not all or nothing.
    expect(counter.renders).toBe(before + 1);
    await act(() => session.client.logout());
    expect(counter.renders).toBe(before + 2);
    expect(screen.getByText('no expiry')).toBeTruthy();
  });
});

describe('useAuthFetch', () => {
  it("is the client's authenticated fetch, with a DPoP-bound token", async () => {
    await signedIn();
    let authFetch: ReturnType<typeof useAuthFetch> | undefined;
    function Api() {
      authFetch = useAuthFetch();
      return null;
    }
    renderWithSession(<Api />, { client: session.client });
    const response = await authFetch!(`${session.baseUrl}/v1/session/me/list?limit=1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ total: 1 });
  });

  it('is stable and never re-renders its component on a token refresh', async () => {
    await signedIn();
    const counter = renderCounter();
    const seen: unknown[] = [];
    function Api() {
      counter.count();
      seen.push(useAuthFetch());
      return null;
    }
    renderWithSession(<Api />, { client: session.client });
    const before = counter.renders;
    await refreshToken();
    expect(counter.renders).toBe(before);
    expect(new Set(seen).size).toBe(1);
  });
});
