import { figure } from './figures';
import { FIGURES, resultsShapeProblems } from './results-shape';

function complete(): { machine: Record<string, unknown>; figures: unknown[] } {
  return {
    machine: { cpus: 2 },
    figures: FIGURES.map((name, i) =>
      i % 2 === 0
        ? figure(name, 10, 'things/s', 20, { of: 'ratio', op: '>=', bound: 0.5 })
        : figure(name, 10, 'ms', null),
    ),
  };
}

describe(resultsShapeProblems.name, () => {
  it('accepts results with every figure, each shaped as the issue says', () => {
    expect(resultsShapeProblems(complete())).toEqual([]);
  });

  it('names a missing figure', () => {
    const results = complete();
    results.figures.pop();
    expect(resultsShapeProblems(results)).toEqual([
      `figures: "${FIGURES[FIGURES.length - 1]}" is missing`,
    ]);
  });

  it('refuses extra or missing keys and wrong types', () => {
    const results = complete();
    results.figures[0] = { ...(results.figures[0] as object), extra: 1 };
    results.figures[1] = { ...(results.figures[1] as object), value: 'fast' };
    results.figures[2] = { ...(results.figures[2] as object), met: null };
    const problems = resultsShapeProblems(results);
    expect(problems).toContain(
      'figures[0]: keys extra, goal, met, name, ratio, reference, repeats, spreadPct, unit, value are not name, value, unit, reference, ratio, goal, met, repeats, spreadPct',
    );
    expect(problems).toContain('figures[1].value: not a finite number ≥ 0');
    expect(problems).toContain('figures[2]: goal and met must both be present or both null');
  });

  it('refuses something that is not results at all', () => {
    expect(resultsShapeProblems([])).toEqual(['machine: not an object', 'figures: not an array']);
    expect(resultsShapeProblems('x')).toEqual(['not a JSON object']);
  });
});

describe(figure.name, () => {
  it('computes the ratio to the reference and judges the goal', () => {
    expect(figure('f', 30, '/s', 100, { of: 'ratio', op: '>=', bound: 0.6 })).toMatchObject({
      ratio: 0.3,
      goal: 'ratio >= 0.6',
      met: false,
    });
    expect(figure('p99', 80, 'ms', null, { of: 'value', op: '<=', bound: 100 })).toMatchObject({
      ratio: null,
      met: true,
    });
  });
});
