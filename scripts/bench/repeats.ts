import { readFileSync } from 'node:fs';

/** Repeated measurements of one quantity: the median the bench judges, and how far they spread. */
export interface Repeated {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median, in per cent: how much the repeats disagree. */
  spreadPct: number;
  samples: number[];
}

/** The median of the samples, with their range; throws on no samples. */
export function repeated(samples: readonly number[]): Repeated {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  return {
    median,
    min,
    max,
    spreadPct: median === 0 ? 0 : Math.round(((max - min) / median) * 1000) / 10,
    samples: samples.map((s) => Math.round(s * 100) / 100),
  };
}

/**
 * Runs `times` rounds of every step in turn (A B C, A B C, …) and collects each step's values:
 * the hub and its reference share the machine's state of the moment in every round, so a ratio
 * of their medians is not the ratio of a quiet minute to a busy one. `before` runs ahead of each
 * step (a CHECKPOINT, so no step pays for the previous one's dirty pages).
 */
export async function interleaved<K extends string>(
  times: number,
  steps: Record<K, () => Promise<number>>,
  before: () => Promise<void> = () => Promise.resolve(),
): Promise<Record<K, number[]>> {
  const names = Object.keys(steps) as K[];
  const values = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < times; round++) {
    for (const name of names) {
      await before();
      values[name].push(await steps[name]());
    }
  }
  return values;
}

/** The ratio of two repeated quantities, judged on the ratio of each round (paired), as a median. */
export function pairedRatio(
  numerators: readonly number[],
  denominators: readonly number[],
): Repeated {
  if (numerators.length !== denominators.length) throw new Error('unpaired samples');
  return repeated(numerators.map((n, i) => n / (denominators[i] as number)));
}

/** How busy the machine was over a short window, in cores, read from /proc/stat. */
export async function busyCores(windowMs: number): Promise<number> {
  const read = (): { total: number; idle: number } => {
    const fields =
      readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ??
      [];
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { total, idle: (fields[3] ?? 0) + (fields[4] ?? 0) };
  };
  const a = read();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const b = read();
  const ticks = b.total - a.total;
  const seconds = windowMs / 1000;
  return ticks <= 0 ? 0 : Math.round(((ticks - (b.idle - a.idle)) / 100 / seconds) * 100) / 100;
}
