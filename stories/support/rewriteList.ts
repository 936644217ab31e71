/** The JSON of a `/me/list` answer, as the wire carries it. */
export interface WireSessionList {
  sessions: Array<Record<string, unknown>>;
  total: number;
  limit: number;
  offset: number;
}

/**
 * Wraps a fetch into the reference server so that `/me/list` answers are rewritten:
 * a backend other than ours, sending what it likes (no rows, hostile strings).
 * Every other request, and the sessions themselves, stay real.
 */
export function rewriteList(
  rewrite: (body: WireSessionList) => unknown,
): (inner: typeof fetch) => typeof fetch {
  return (inner) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await inner(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!new URL(url).pathname.endsWith('/me/list') || !response.ok) return response;
      const body = rewrite((await response.json()) as WireSessionList);
      return new Response(JSON.stringify(body), {
        status: response.status,
        headers: response.headers,
      });
    }) as typeof fetch;
}
