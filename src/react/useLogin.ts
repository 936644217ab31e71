import { useMutation } from '@tanstack/react-query';
import type { SessionError } from '../client/errors';
import type { LoginWithPasswordInput, Profile, SessionClient, User } from '../client/types';
import { sessionQueryKeys } from './queryOptions';
import { useSessionContext } from './sessionContext';
import type { UseLoginResult } from './types';

/**
 * Signs in with an identifier and a password (password step, then a DPoP-bound
 * finalize), as a TanStack mutation: `isPending`, `error` (a `SessionError` with a
 * stable `code`) and the signed-in `user`.
 *
 * @example
 * const login = useLogin()
 * <form onSubmit={(e) => { e.preventDefault(); login.mutate({ identifier, password }) }}>
 * {login.error?.code === 'unauthorized' && <p>Wrong e-mail or password</p>}
 */
export function useLogin<P extends Profile = Profile>(): UseLoginResult<P> {
  const { client, queryClient } = useSessionContext('useLogin');
  return useMutation<{ user: User<P> }, SessionError, LoginWithPasswordInput>(
    {
      mutationKey: sessionQueryKeys.login(),
      mutationFn: (input) => (client as SessionClient<P>).loginWithPassword(input),
    },
    queryClient,
  );
}
