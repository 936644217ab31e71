import { createContext, useContext } from 'react';
import type { Context } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import type { Profile, SessionClient } from '../client/types';
import { MissingSessionProviderError } from './errors';

/** What `<SessionProvider>` shares with the hooks. */
export interface SessionContextValue {
  client: SessionClient<Profile>;
  /** The app's QueryClient, or the provider's own one; hooks pass it to TanStack explicitly. */
  queryClient: QueryClient;
}

const CONTEXT_KEY = Symbol.for('react-dpop-session.context');

type ContextHolder = { [CONTEXT_KEY]?: Context<SessionContextValue | null> };

// Kept on globalThis so that every copy of the package (ESM and CJS builds, or two
// bundled copies) shares one context: a provider from one copy serves hooks of another.
const holder = globalThis as ContextHolder;

/**
 * The React context of `<SessionProvider>`, one per realm whatever copies are loaded.
 * Hooks read it; apps rarely need it, except to reach the client outside the hooks.
 *
 * @example
 * const { client } = useContext(SessionContext) ?? {}
 */
export const SessionContext: Context<SessionContextValue | null> = (holder[CONTEXT_KEY] ??=
  createSessionContext());

function createSessionContext(): Context<SessionContextValue | null> {
  const context = createContext<SessionContextValue | null>(null);
  context.displayName = 'SessionContext';
  return context;
}

/** Reads the provider's value, or throws an error naming the hook and the fix. */
export function useSessionContext(hook: string): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new MissingSessionProviderError(hook);
  return value;
}
