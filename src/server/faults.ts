import type { FaultInjector, FaultRule } from './types';

/** The fault injector plus the core's side: take the rule that hits a request. */
export interface Faults extends FaultInjector {
  /** Consumes one use of the first rule matching `path` (relative to the base path), if any. */
  take(path: string, basePath: string): FaultRule | undefined;
}

/**
 * Fault injection for reliability tests: latency, an error status before commit, or an
 * answer lost after commit.
 */
export function createFaults(): Faults {
  let rules: Array<{ rule: FaultRule; left: number }> = [];
  return {
    add(rule: FaultRule): void {
      if (
        rule.status !== undefined &&
        rule.status !== 429 &&
        (rule.status < 500 || rule.status > 599)
      ) {
        throw new RangeError('"status" must be a 5xx or 429');
      }
      rules.push({ rule: { ...rule }, left: rule.times ?? 1 });
    },
    clear(): void {
      rules = [];
    },
    take(path: string, basePath: string): FaultRule | undefined {
      const relative = path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
      const hit = rules.find(
        ({ rule, left }) =>
          left > 0 && (rule.path === undefined || rule.path === path || rule.path === relative),
      );
      if (!hit) return undefined;
      hit.left -= 1;
      rules = rules.filter(({ left }) => left > 0);
      return hit.rule;
    },
  };
}
