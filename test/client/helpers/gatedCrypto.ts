/** A crypto whose next `sign` waits for `state.gate` (set by the test), then signs. */
export function gatedCrypto() {
  const state: { gate: Promise<unknown> | undefined } = { gate: undefined };
  const subtle = crypto.subtle;
  const gated = {
    randomUUID: () => crypto.randomUUID(),
    getRandomValues: <T extends ArrayBufferView>(a: T) => crypto.getRandomValues(a as never) as T,
    subtle: new Proxy(subtle, {
      get: (target, p) => {
        if (p === 'sign')
          return async (...args: Parameters<SubtleCrypto['sign']>) => {
            const g = state.gate;
            state.gate = undefined;
            await g;
            return subtle.sign(...args);
          };
        const v = Reflect.get(target, p) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }),
  } as unknown as Crypto;
  return { state, gated };
}
