import { commands } from 'vitest/browser';

/** One printed figure of `npm run bench`. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The budget the figure is compared with in the printed table, if any. */
  budget?: number;
  /** Whether lower is better (default true). */
  lowerIsBetter?: boolean;
  detail?: string;
}

/** Writes a figure for scripts/bench.mjs to print. Never asserts. */
export async function record(file: string, figures: Figure[]): Promise<void> {
  await commands.writeFile(`bench/results/${file}.json`, JSON.stringify(figures, null, 2));
}

/** Median of samples. */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
