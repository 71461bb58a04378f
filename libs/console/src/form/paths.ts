/** Reading and immutably writing nested form values by `a.b[0].c` paths. */

type Segment = string | number;

export function segmentsOf(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      out.push(part);
      continue;
    }
    if (match[1] !== undefined && match[1] !== '') out.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

export function getAt(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of segmentsOf(path)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function setAt<T>(value: T, path: string, next: unknown): T {
  const segments = segmentsOf(path);
  const write = (node: unknown, i: number): unknown => {
    const segment = segments[i];
    if (segment === undefined) return next;
    if (typeof segment === 'number') {
      const list = Array.isArray(node) ? [...(node as unknown[])] : [];
      list[segment] = write(list[segment], i + 1);
      return list;
    }
    const record =
      typeof node === 'object' && node !== null && !Array.isArray(node)
        ? { ...(node as Record<string, unknown>) }
        : {};
    record[segment] = write(record[segment], i + 1);
    return record;
  };
  return write(value, 0) as T;
}

/**
 * Drops what the user left empty: blank strings, then objects and list items left with nothing
 * in them. Booleans, numbers and non-empty lists stay.
 */
export function pruneEmpty(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) {
    return value.map(pruneEmpty).filter((item) => item !== undefined);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const pruned = pruneEmpty(item);
      if (pruned !== undefined) out[key] = pruned;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** `"a, b ,c"` → `["a", "b", "c"]`. */
export function splitList(text: unknown): string[] {
  return typeof text === 'string'
    ? text
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
    : [];
}
