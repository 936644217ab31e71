const BRAND = Symbol.for('react-dpop-session.MissingSessionProviderError');

/**
 * A session hook ran outside `<SessionProvider>`. The message says how to fix it.
 *
 * `instanceof` works across duplicated copies of the package (ESM and CJS), because
 * the class is matched by a `Symbol.for` brand, not by identity.
 *
 * @example
 * expect(() => render(<Profile />)).toThrow(MissingSessionProviderError)
 */
export class MissingSessionProviderError extends Error {
  /** Stable, machine-readable. */
  readonly code = 'missing_provider' as const;
  /** The hook that was called outside the provider. */
  readonly hook: string;

  constructor(hook: string) {
    super(
      `${hook} must be used inside <SessionProvider>: wrap your app root in ` +
        `<SessionProvider client={client}> (or <SessionProvider baseUrl="https://…">).`,
    );
    this.name = 'MissingSessionProviderError';
    this.hook = hook;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // An app's own subclass matches its own instances only.
    if (this !== MissingSessionProviderError)
      return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }
}

Object.defineProperty(MissingSessionProviderError.prototype, BRAND, { value: true });
