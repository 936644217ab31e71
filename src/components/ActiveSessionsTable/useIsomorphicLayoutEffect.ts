import { useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import type { DependencyList, EffectCallback } from 'react';

const subscribe = () => () => undefined;
const inBrowser = () => true;
const onServer = () => false;

/**
 * `useLayoutEffect` in the browser, `useEffect` where React renders HTML (React 18 warns
 * about a layout effect there). Whether it renders HTML comes from React itself, through
 * the server snapshot of `useSyncExternalStore`, not from `typeof window`: a server
 * render may run where a DOM exists (tests, some edge runtimes), and no browser global
 * is read while rendering on a server.
 */
export function useIsomorphicLayoutEffect(effect: EffectCallback, deps?: DependencyList): void {
  const browser = useSyncExternalStore(subscribe, inBrowser, onServer);
  // Chosen once per component: React needs the same hooks on every render. A component
  // hydrated from server HTML keeps the passive effect, which runs once the page is live.
  const [useChosenEffect] = useState(() => (browser ? useLayoutEffect : useEffect));
  useChosenEffect(effect, deps);
}
