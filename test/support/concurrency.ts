/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Seq numbers of a referral's events in arrival order, duplicates on the wire removed by id. */
export function deliveredSeqs(events: readonly { id: string; referralseq?: number }[]): number[] {
  const seen = new Set<string>();
  const seqs: number[] = [];
  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (event.referralseq !== undefined) seqs.push(event.referralseq);
  }
  return seqs;
}
