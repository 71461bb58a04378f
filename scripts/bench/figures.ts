import { cpus, loadavg, totalmem } from 'node:os';

/** A goal a figure is judged by: its ratio to the reference, or its own value, against a bound. */
export interface Goal {
  /** What is compared: `ratio` (hub / reference) or the figure's own `value`. */
  of: 'ratio' | 'value';
  op: '>=' | '<=' | '<';
  bound: number;
}

/** One line of the benchmark's result, as written to `bench-results.json`. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The physical limit measured in the same run, in the same unit; null when there is none. */
  reference: number | null;
  /** value / reference; null without a reference. */
  ratio: number | null;
  /** The goal in words (`ratio >= 0.6`), or null when the figure has none. */
  goal: string | null;
  /** Whether the goal is reached; null when the figure has no goal. */
  met: boolean | null;
  /** How many interleaved repeats the value (or ratio) is the median of; null for one. */
  repeats: number | null;
  /** (max − min) / median of the repeats, in per cent; null for one measurement. */
  spreadPct: number | null;
}

/** The whole result file. */
export interface BenchResults {
  machine: Record<string, unknown>;
  /** PostgreSQL's and Kafka's settings the figures were measured with (settings.ts). */
  settings?: unknown;
  figures: Figure[];
}

/** Builds a figure, computing its ratio and whether its goal is met. */
export function figure(
  name: string,
  value: number,
  unit: string,
  reference: number | null,
  goal?: Goal,
  spread?: { repeats: number; spreadPct: number; ratio?: number },
): Figure {
  const ratio = spread?.ratio ?? (reference === null || reference === 0 ? null : value / reference);
  let met: boolean | null = null;
  if (goal) {
    const judged = goal.of === 'ratio' ? ratio : value;
    met =
      judged === null || !Number.isFinite(judged)
        ? false
        : goal.op === '>='
          ? judged >= goal.bound
          : goal.op === '<='
            ? judged <= goal.bound
            : judged < goal.bound;
  }
  return {
    name,
    value: round(value),
    unit,
    reference: reference === null ? null : round(reference),
    ratio: ratio === null ? null : Math.round(ratio * 1000) / 1000,
    goal: goal ? `${goal.of} ${goal.op} ${goal.bound}` : null,
    met,
    repeats: spread?.repeats ?? null,
    spreadPct: spread?.spreadPct ?? null,
  };
}

/** Three significant figures for large numbers, two decimals for small ones. */
function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  if (Math.abs(n) >= 100) return Math.round(n);
  return Math.round(n * 100) / 100;
}

/** What the figures were measured on; the load average says how noisy the machine was. */
export function machineFacts(extra: Record<string, unknown>): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 2 ** 20),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    startedAt: new Date().toISOString(),
    ...extra,
  };
}

/** The table printed at the end: one line a figure, ratios and goals beside the values. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = [
    ['figure', 'value', 'unit', 'reference', 'ratio', 'spread', 'goal', 'met'],
    ...figures.map((f) => [
      f.name,
      String(f.value),
      f.unit,
      f.reference === null ? '—' : String(f.reference),
      f.ratio === null ? '—' : f.ratio.toFixed(3),
      f.spreadPct === null ? '—' : `±${(f.spreadPct / 2).toFixed(1)} % (${f.repeats})`,
      f.goal ?? '—',
      f.met === null ? '—' : f.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const numeric = new Set([1, 3, 4, 5]);
  const lines = rows.map((row) =>
    row
      .map((cell, i) =>
        numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

/** The p-th percentile (0–100) of sorted values, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}
