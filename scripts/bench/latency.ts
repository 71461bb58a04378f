import { build } from 'hdr-histogram-js';

/** A latency distribution as the bench reports it, in milliseconds (HdrHistogram, 3 digits). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * Summarises latencies given in milliseconds with HdrHistogram (`hdr-histogram-js`), recorded in
 * microseconds with three significant digits: the percentiles a load test is judged by, without
 * the rounding a nearest-rank percentile of a few thousand samples would hide at p99.9.
 * Negative or non-finite samples are refused: they mean a clock was read wrong.
 */
export function summarizeLatencies(millis: Iterable<number>): LatencySummary {
  const histogram = build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  try {
    for (const ms of millis) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency sample ${ms} ms is not valid`);
      histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
    }
    const at = (p: number): number => round2(histogram.getValueAtPercentile(p) / 1000);
    return {
      count: histogram.totalCount,
      p50: at(50),
      p90: at(90),
      p99: at(99),
      p999: at(99.9),
      max: round2(histogram.maxValue / 1000),
      mean: round2(histogram.mean / 1000),
    };
  } finally {
    histogram.destroy();
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
