/** One request as the client sent it. */
export interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: string | null;
}

/** Wraps a fetch so a test can read what the client sent (headers and bodies). */
export function recordRequests(inner: typeof fetch) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = typeof init.body === 'string' ? init.body : init.body ? '[binary]' : null;
    sent.push({ method: init.method ?? 'GET', url, headers: new Headers(init.headers), body });
    return inner(input, init);
  };
  return {
    sent,
    fetch,
    to: (path: string) => sent.filter((s) => new URL(s.url).pathname.endsWith(path)),
  };
}
