import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import {
  DEADLINE_STEPS,
  REFERRAL_PRIORITIES,
  type DeadlineStep,
  type ReferralPriority,
} from '@hub/contracts';
import { DeadlinesFileDto, type DeadlineOverridesDto } from './deadlines-file.dto';
import { parseIsoDuration } from './iso-duration';

/** Milliseconds per step. */
export type StepDurations = Readonly<Record<DeadlineStep, number>>;

/** `config/deadlines.json` is missing or invalid; the message names the file and the field. */
export class DeadlinesConfigError extends Error {
  override readonly name = 'DeadlinesConfigError';
}

/**
 * How long each waiting step may take, per referral priority: the contract's defaults unless
 * `config/deadlines.json` overrides them for a priority. Built once at start-up by
 * {@link loadDeadlinePolicy}; immutable, so every instance of one deployment computes the same
 * due dates.
 */
export class DeadlinePolicy {
  constructor(
    private readonly defaults: StepDurations,
    private readonly byPriority: ReadonlyMap<string, Partial<StepDurations>> = new Map(),
  ) {}

  /** The time `step` may take on a referral of `priority` (an unknown priority gets defaults). */
  durationMs(step: DeadlineStep, priority: string): number {
    return this.byPriority.get(priority)?.[step] ?? this.defaults[step];
  }

  /** When `step`, opened at `openedAt` on a referral of `priority`, falls due. */
  dueAt(step: DeadlineStep, priority: string, openedAt: Date): Date {
    return new Date(openedAt.getTime() + this.durationMs(step, priority));
  }
}

/** Reads and validates `deadlines.json` from `configDir`. */
export function loadDeadlinePolicy(configDir: string): DeadlinePolicy {
  const file = join(resolve(configDir), 'deadlines.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DeadlinesConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DeadlinesConfigError(`invalid ${file}: must be a JSON object`);
  }
  const content = plainToInstance(DeadlinesFileDto, raw);
  const errors = validateSync(content, {
    stopAtFirstError: true,
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  const first = firstError(errors, '');
  if (first) throw new DeadlinesConfigError(`invalid ${file}: ${first}`);

  const byPriority = new Map<ReferralPriority, Partial<StepDurations>>();
  for (const priority of REFERRAL_PRIORITIES) {
    const overrides = content.byPriority?.[priority];
    if (overrides) byPriority.set(priority, durationsOf(overrides));
  }
  // Validation made every step of `defaults` required, so the partial record is complete.
  const defaults = durationsOf(content.defaults) as StepDurations;
  return new DeadlinePolicy(defaults, byPriority);
}

/** Durations of the steps a validated section names. */
function durationsOf(section: DeadlineOverridesDto): Partial<StepDurations> {
  const out: Partial<Record<DeadlineStep, number>> = {};
  for (const step of DEADLINE_STEPS) {
    const text = section[step];
    const ms = text === undefined ? undefined : parseIsoDuration(text);
    if (ms !== undefined) out[step] = ms;
  }
  return out;
}

function firstError(errors: readonly ValidationError[], prefix: string): string | undefined {
  for (const error of errors) {
    const path = `${prefix}${prefix ? '.' : ''}${error.property}`;
    const constraint = Object.values(error.constraints ?? {})[0];
    if (constraint) return `${path}: ${constraint}`;
    const nested = firstError(error.children ?? [], path);
    if (nested) return nested;
  }
  return undefined;
}
