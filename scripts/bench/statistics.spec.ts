import { summarizeLatencies } from './latency';
import { interleaved, pairedRatio, repeated } from './repeats';
import { rateAtP99 } from './submit-load';

describe(repeated.name, () => {
  it('gives the median and the spread of the samples', () => {
    const r = repeated([10, 30, 20, 11, 12]);
    expect(r.median).toBe(12);
    expect(r.min).toBe(10);
    expect(r.max).toBe(30);
    expect(r.spreadPct).toBeCloseTo(166.7, 1);
  });

  it('takes the middle two of an even count', () => {
    expect(repeated([4, 1, 3, 2]).median).toBe(2.5);
  });
});

describe(pairedRatio.name, () => {
  it('is the median of each round’s ratio, not the ratio of the medians', () => {
    // Round 3 was slow for both: paired, it does not distort the ratio.
    expect(pairedRatio([50, 60, 10], [100, 100, 20]).median).toBe(0.5);
  });
});

describe(interleaved.name, () => {
  it('runs the steps in turn, round after round, with the hook before each', async () => {
    const order: string[] = [];
    const values = await interleaved(
      2,
      {
        a: () => Promise.resolve(order.push('a')),
        b: () => Promise.resolve(order.push('b')),
      },
      () => {
        order.push('checkpoint');
        return Promise.resolve();
      },
    );
    expect(order).toEqual([
      'checkpoint',
      'a',
      'checkpoint',
      'b',
      'checkpoint',
      'a',
      'checkpoint',
      'b',
    ]);
    expect(values).toEqual({ a: [2, 6], b: [4, 8] });
  });
});

describe(rateAtP99.name, () => {
  const curve = [
    { rate: 100, p99: 10 },
    { rate: 200, p99: 20 },
    { rate: 300, p99: 60 },
  ];

  it('interpolates between the points around the budget', () => {
    expect(rateAtP99(curve, 40)).toBe(250);
  });

  it('is the highest rate when every point is within the budget', () => {
    expect(rateAtP99(curve, 100)).toBe(300);
  });

  it('is null when even the lowest rate is over the budget', () => {
    expect(rateAtP99(curve, 5)).toBeNull();
  });
});

describe(summarizeLatencies.name, () => {
  it('reports HdrHistogram percentiles in milliseconds', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => i + 1); // 1 … 1000 ms
    const s = summarizeLatencies(samples);
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(500, -1);
    expect(s.p99).toBeCloseTo(990, -1);
    expect(s.max).toBeCloseTo(1000, -1);
  });

  it('refuses a negative sample', () => {
    expect(() => summarizeLatencies([3, -1])).toThrow('latency sample -1 ms is not valid');
  });
});
