import { describe, expectTypeOf, it } from 'vitest';
import type { ComponentProps } from 'react';
import type {
  RevokeTarget,
  SessionClient,
  SessionError,
  SessionView,
  User,
} from '../../src/client';
import type { SessionProvider } from '../../src/react';
import {
  useAccessToken,
  useAuthFetch,
  useLogin,
  useRevoke,
  useSession,
  useSessions,
} from '../../src/react';
import type { UseRevokeResult, UseSessionResult } from '../../src/react';

interface MyProfile extends Record<string, unknown> {
  name: string;
  plan: 'free' | 'pro';
}

describe('useSession', () => {
  it('types the profile and the user through the generic', () => {
    const session = useSession<MyProfile>();
    expectTypeOf(session).toEqualTypeOf<UseSessionResult<MyProfile>>();
    expectTypeOf(session.profile).toEqualTypeOf<MyProfile | null>();
    expectTypeOf(session.user).toEqualTypeOf<User<MyProfile> | null>();
    expectTypeOf(session.refresh).returns.resolves.toEqualTypeOf<{ user: User<MyProfile> }>();
    expectTypeOf(session.status).toEqualTypeOf<
      'loading' | 'authenticated' | 'unauthenticated' | 'error'
    >();
    expectTypeOf(session.error).toEqualTypeOf<SessionError | null>();
  });

  it('defaults to an open record profile', () => {
    expectTypeOf(useSession().profile).toEqualTypeOf<Record<string, unknown> | null>();
  });

  it('types the user of useLogin through the generic', () => {
    const login = useLogin<MyProfile>();
    expectTypeOf(login.data).toEqualTypeOf<{ user: User<MyProfile> } | undefined>();
    expectTypeOf(login.mutate)
      .parameter(0)
      .toEqualTypeOf<{ identifier: string; password: string }>();
  });
});

describe('useRevoke', () => {
  it('takes exactly the revoke targets', () => {
    const revoke = useRevoke();
    expectTypeOf(revoke).toExtend<UseRevokeResult>();
    expectTypeOf(revoke.mutate).parameter(0).toEqualTypeOf<RevokeTarget>();
    expectTypeOf<RevokeTarget>().toEqualTypeOf<'all' | 'others' | 'mine' | { session: string }>();
    revoke.mutate('all');
    revoke.mutate('others');
    revoke.mutate('mine');
    revoke.mutate({ session: 'ses_1' });
    // @ts-expect-error not a target
    revoke.mutate('everyone');
    // @ts-expect-error the id form is an object
    revoke.mutate('session');
    // @ts-expect-error the id must be a string
    revoke.mutate({ session: 1 });
    expectTypeOf(revoke.isRevoking).parameter(0).toEqualTypeOf<RevokeTarget>();
    expectTypeOf(revoke.pendingTargets).toEqualTypeOf<RevokeTarget[]>();
    expectTypeOf(revoke.error).toEqualTypeOf<SessionError | null>();
  });
});

describe('the other hooks', () => {
  it('types sessions, the token and the fetch', () => {
    const { sessions, total, data } = useSessions({ limit: 5, offset: 0 });
    expectTypeOf(sessions).toEqualTypeOf<SessionView[]>();
    expectTypeOf(total).toEqualTypeOf<number>();
    expectTypeOf(data?.sessions).toEqualTypeOf<SessionView[] | undefined>();
    const token = useAccessToken();
    expectTypeOf(token.accessToken).toEqualTypeOf<string | null>();
    expectTypeOf(token.expiresAt).toEqualTypeOf<Date | null>();
    expectTypeOf(token.getAccessToken).returns.resolves.toEqualTypeOf<string | null>();
    expectTypeOf(useAuthFetch()).returns.resolves.toEqualTypeOf<Response>();
  });
});

describe('SessionProvider', () => {
  it('takes a client or client options, not both', () => {
    type Props = ComponentProps<typeof SessionProvider>;
    expectTypeOf({ client: {} as SessionClient }).toExtend<Props>();
    expectTypeOf({ baseUrl: 'https://app.example.com', namespace: 'app' }).toExtend<Props>();
    expectTypeOf({
      client: {} as SessionClient,
      baseUrl: 'https://app.example.com',
    }).not.toExtend<Props>();
    // No option is silently ignored next to a client: every one is refused.
    expectTypeOf({ client: {} as SessionClient, namespace: 'app' }).not.toExtend<Props>();
    expectTypeOf({ client: {} as SessionClient, peerWaitMs: 500 }).not.toExtend<Props>();
    expectTypeOf({}).not.toExtend<Props>();
  });
});
