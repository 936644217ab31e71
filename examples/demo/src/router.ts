import { useSyncExternalStore } from 'react';

export type Route = '/' | '/account' | '/signin';

const routes: Route[] = ['/', '/account', '/signin'];
const listeners = new Set<() => void>();

function current(): Route {
  const path = window.location.pathname as Route;
  return routes.includes(path) ? path : '/';
}

/** A three-page router is all the demo needs; no dependency for it. */
export function useRoute(): Route {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      window.addEventListener('popstate', listener);
      return () => {
        listeners.delete(listener);
        window.removeEventListener('popstate', listener);
      };
    },
    current,
    () => '/' as Route,
  );
}

export function navigate(route: Route) {
  if (current() === route) return;
  window.history.pushState(null, '', route);
  listeners.forEach((listener) => listener());
}
