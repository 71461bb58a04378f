import { CONSOLE_FIGURE_NAMES } from './console-bench';

/** The figures every run reports, in the order the table shows them (the smoke run checks). */
export const FIGURES = [
  'submit rate (HTTP → partner read)',
  "submit rate vs the hub's own SQL replayed with raw pg",
  'submit rate vs the two-insert floor (raw pg)',
  'PostgreSQL limit: pgbench, minimal submit transaction',
  'disk limit: pg_test_fsync, the WAL sync method',
  'hub CPU per submit',
  'PostgreSQL CPU per submit',
  'e2e submit latency p50 at half max rate',
  'e2e submit latency p99 at half max rate',
  'e2e submit latency p99.9 at half max rate',
  'hub vs naive endpoint: rate at the same p99',
  'outbox relay drain rate vs bare producer',
  'Kafka limit: kafka-producer-perf-test (acks=all)',
  'drain rate after a Kafka outage',
  'inbound partner events applied',
  'inbound vs the same writes by a bare consumer',
  'inbound vs a bare reader (no writes)',
  'Kafka limit: kafka-consumer-perf-test',
  'hub CPU per applied event',
  'audit verification (GET /v1/audit/verify)',
  'audit inclusion proofs (make + verify)',
  'yearly figures over HTTP, warm, largest history',
  "ten years' figures over HTTP, warm, largest history",
  'hub peak RSS over the whole bench (VmHWM)',
  'hub RSS slope over the soak at half load',
  ...CONSOLE_FIGURE_NAMES,
] as const;

const KEYS = ['name', 'value', 'unit', 'reference', 'ratio', 'goal', 'met', 'repeats', 'spreadPct'];

const isNumberOrNull = (v: unknown): boolean =>
  v === null || (typeof v === 'number' && Number.isFinite(v));

/**
 * What is wrong with the shape of a `bench-results.json` (empty when nothing): `machine` an
 * object, `figures` one entry per {@link FIGURES}, each with exactly the keys of a figure and
 * values of the right types. Numbers are not judged: a smoke run's are meaningless.
 */
export function resultsShapeProblems(results: unknown): string[] {
  const problems: string[] = [];
  if (typeof results !== 'object' || results === null) return ['not a JSON object'];
  const { machine, figures } = results as { machine?: unknown; figures?: unknown };
  if (typeof machine !== 'object' || machine === null || Array.isArray(machine)) {
    problems.push('machine: not an object');
  }
  if (!Array.isArray(figures)) return [...problems, 'figures: not an array'];
  const names = new Set<string>();
  figures.forEach((f: unknown, i) => {
    const at = `figures[${i}]`;
    if (typeof f !== 'object' || f === null) {
      problems.push(`${at}: not an object`);
      return;
    }
    const keys = Object.keys(f).sort();
    if (keys.join() !== [...KEYS].sort().join()) {
      problems.push(`${at}: keys ${keys.join(', ')} are not ${KEYS.join(', ')}`);
    }
    const { name, value, unit, reference, ratio, goal, met } = f as Record<string, unknown>;
    if (typeof name !== 'string') problems.push(`${at}.name: not a string`);
    else names.add(name);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`${at}.value: not a finite number ≥ 0`);
    }
    if (typeof unit !== 'string' || unit === '') problems.push(`${at}.unit: not a string`);
    if (!isNumberOrNull(reference)) problems.push(`${at}.reference: not a number or null`);
    if (!isNumberOrNull(ratio)) problems.push(`${at}.ratio: not a number or null`);
    if ((reference === null) !== (ratio === null)) {
      problems.push(`${at}: ratio and reference must both be present or both null`);
    }
    if (goal !== null && typeof goal !== 'string')
      problems.push(`${at}.goal: not a string or null`);
    if (met !== null && typeof met !== 'boolean') problems.push(`${at}.met: not a boolean or null`);
    const { repeats, spreadPct } = f as Record<string, unknown>;
    if (repeats !== null && (typeof repeats !== 'number' || !Number.isInteger(repeats))) {
      problems.push(`${at}.repeats: not an integer or null`);
    }
    if (!isNumberOrNull(spreadPct)) problems.push(`${at}.spreadPct: not a number or null`);
    if ((repeats === null) !== (spreadPct === null)) {
      problems.push(`${at}: repeats and spreadPct must both be present or both null`);
    }
    if ((goal === null) !== (met === null)) {
      problems.push(`${at}: goal and met must both be present or both null`);
    }
  });
  for (const name of FIGURES) {
    if (!names.has(name)) problems.push(`figures: "${name}" is missing`);
  }
  return problems;
}
