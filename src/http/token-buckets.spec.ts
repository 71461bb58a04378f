import { TokenBuckets } from './token-buckets';

describe(TokenBuckets.name, () => {
  function clocked(capacity: number, windowSeconds: number, maxKeys?: number) {
    const clock = { ms: 0 };
    return { clock, buckets: new TokenBuckets(capacity, windowSeconds, maxKeys, () => clock.ms) };
  }

  it('lets a burst up to the capacity through, then refuses with the wait for one token', () => {
    const { buckets } = clocked(3, 60);

    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 20 });
  });

  it('refills evenly over the window', () => {
    const { clock, buckets } = clocked(2, 10);
    buckets.take('a');
    buckets.take('a');

    clock.ms = 4_999;
    expect(buckets.take('a').allowed).toBe(false);
    clock.ms = 5_000;
    expect(buckets.take('a').allowed).toBe(true);
    clock.ms = 1_000_000;
    expect(buckets.take('a')).toEqual({ allowed: true, remaining: 1 });
  });

  it('keeps one bucket per key', () => {
    const { buckets } = clocked(1, 60);

    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('b').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
  });

  it('forgets the longest unused keys beyond its size', () => {
    const { buckets } = clocked(1, 60, 2);
    buckets.take('a');
    buckets.take('b');
    buckets.take('a');
    buckets.take('c');

    expect(buckets.size).toBe(2);
    // 'b' was dropped (least recently used) and comes back full, while 'c' stays spent.
    expect(buckets.take('b').allowed).toBe(true);
    expect(buckets.take('c').allowed).toBe(false);
  });
});
