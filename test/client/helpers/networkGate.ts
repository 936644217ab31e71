/**
 * Holds the requests to one path at the network, once armed, until released: `reached`
 * resolves when the first one is held. Wrap a device's `fetch` with `fetch(inner)`.
 */
export function networkGate(path: string) {
  let armed = false;
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  let arrive: () => void = () => {};
  const reached = new Promise<void>((r) => (arrive = r));
  return {
    arm: () => void (armed = true),
    reached,
    release: () => release(),
    fetch:
      (inner: typeof fetch): typeof fetch =>
      async (input, init) => {
        if (armed && String(input instanceof Request ? input.url : input).endsWith(path)) {
          arrive();
          await held;
        }
        return inner(input, init);
      },
  };
}
