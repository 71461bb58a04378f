import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadlinesConfigError, loadDeadlinePolicy } from './deadline-policy';

const CONFIG_DIR = join(__dirname, '..', '..', 'config');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const CONTRACT_DEFAULTS = {
  ACKNOWLEDGE: 'PT24H',
  DECIDE: 'P7D',
  PROVIDE_INFO: 'P7D',
  COMPLETE: 'P30D',
};

/** A config folder whose deadlines.json holds `content` (written as is when a string). */
function configWith(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'deadlines-'));
  writeFileSync(
    join(dir, 'deadlines.json'),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
  return dir;
}

describe(loadDeadlinePolicy.name, () => {
  describe('the shipped config/deadlines.json', () => {
    const policy = loadDeadlinePolicy(CONFIG_DIR);

    it('keeps the contract defaults for routine referrals', () => {
      expect(policy.durationMs('ACKNOWLEDGE', 'ROUTINE')).toBe(24 * HOUR);
      expect(policy.durationMs('DECIDE', 'ROUTINE')).toBe(7 * DAY);
      expect(policy.durationMs('PROVIDE_INFO', 'ROUTINE')).toBe(7 * DAY);
      expect(policy.durationMs('COMPLETE', 'ROUTINE')).toBe(30 * DAY);
    });

    it('asks for an acknowledgement of an immediate referral within 2 hours', () => {
      expect(policy.durationMs('ACKNOWLEDGE', 'IMMEDIATE')).toBe(2 * HOUR);
    });

    it('never gives a faster priority more time than a slower one', () => {
      for (const step of ['ACKNOWLEDGE', 'DECIDE', 'PROVIDE_INFO', 'COMPLETE'] as const) {
        const routine = policy.durationMs(step, 'ROUTINE');
        const urgent = policy.durationMs(step, 'URGENT');
        const immediate = policy.durationMs(step, 'IMMEDIATE');
        expect(urgent).toBeLessThanOrEqual(routine);
        expect(immediate).toBeLessThanOrEqual(urgent);
      }
    });
  });

  it('falls back to the defaults for the steps a priority does not override', () => {
    const policy = loadDeadlinePolicy(
      configWith({
        defaults: CONTRACT_DEFAULTS,
        byPriority: { IMMEDIATE: { ACKNOWLEDGE: 'PT2H' } },
      }),
    );

    expect(policy.durationMs('ACKNOWLEDGE', 'IMMEDIATE')).toBe(2 * HOUR);
    expect(policy.durationMs('DECIDE', 'IMMEDIATE')).toBe(7 * DAY);
    expect(policy.durationMs('ACKNOWLEDGE', 'URGENT')).toBe(24 * HOUR);
  });

  it('gives a priority it does not know the defaults', () => {
    const policy = loadDeadlinePolicy(configWith({ defaults: CONTRACT_DEFAULTS }));

    expect(policy.durationMs('ACKNOWLEDGE', 'SOMEDAY')).toBe(24 * HOUR);
  });

  it('counts the due date from when the step opened', () => {
    const policy = loadDeadlinePolicy(configWith({ defaults: CONTRACT_DEFAULTS }));

    expect(policy.dueAt('ACKNOWLEDGE', 'ROUTINE', new Date('2026-03-29T00:30:00Z'))).toEqual(
      new Date('2026-03-30T00:30:00Z'),
    );
  });

  it.each([
    [
      'a default that is no duration',
      { defaults: { ...CONTRACT_DEFAULTS, DECIDE: '7 days' } },
      /deadlines\.json: defaults\.DECIDE: must be a positive ISO 8601 duration/,
    ],
    [
      'a zero duration',
      { defaults: { ...CONTRACT_DEFAULTS, ACKNOWLEDGE: 'PT0S' } },
      /defaults\.ACKNOWLEDGE: must be a positive ISO 8601 duration/,
    ],
    [
      'a missing default',
      { defaults: { ACKNOWLEDGE: 'PT24H', DECIDE: 'P7D', PROVIDE_INFO: 'P7D' } },
      /defaults\.COMPLETE: must be a positive/,
    ],
    ['no defaults at all', { byPriority: {} }, /: defaults: defaults must be an object/],
    [
      'a wrong override',
      { defaults: CONTRACT_DEFAULTS, byPriority: { IMMEDIATE: { ACKNOWLEDGE: 'P1M' } } },
      /byPriority\.IMMEDIATE\.ACKNOWLEDGE: must be a positive ISO 8601 duration/,
    ],
    [
      'an unknown priority',
      { defaults: CONTRACT_DEFAULTS, byPriority: { IMMEDIATELY: { ACKNOWLEDGE: 'PT2H' } } },
      /byPriority\.IMMEDIATELY: property IMMEDIATELY should not exist/,
    ],
    [
      'an unknown step',
      { defaults: { ...CONTRACT_DEFAULTS, ACKNOWLEDGED: 'PT2H' } },
      /defaults\.ACKNOWLEDGED: property ACKNOWLEDGED should not exist/,
    ],
    ['a file that is no JSON object', '["PT24H"]', /deadlines\.json: must be a JSON object/],
    ['a file that is no JSON', '{ defaults: ', /cannot read .*deadlines\.json/],
  ])('refuses %s and names the field', (_what, content, message) => {
    const dir = configWith(content);

    expect(() => loadDeadlinePolicy(dir)).toThrow(DeadlinesConfigError);
    expect(() => loadDeadlinePolicy(dir)).toThrow(message);
  });

  it('refuses to start without the file', () => {
    expect(() => loadDeadlinePolicy('/nonexistent-config')).toThrow(
      /cannot read \/nonexistent-config\/deadlines\.json/,
    );
  });
});
