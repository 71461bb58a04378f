import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** docs/layers.json: the layer of every folder of src/ (decision 0015). */
interface LayerTable {
  layers: { name: string; folders: string[] }[];
  publicSurface: string[];
}

const SRC = __dirname;
const table = JSON.parse(
  readFileSync(join(SRC, '..', 'docs', 'layers.json'), 'utf8'),
) as LayerTable;
const levelOf = new Map(
  table.layers.flatMap((layer, level) => layer.folders.map((f): [string, number] => [f, level])),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every import of src/ that crosses from one folder to another, and every package import. */
const imports = sourceFiles(SRC).flatMap((file) => {
  const from = relative(SRC, file).split('/');
  if (from.length < 2) return []; // the application's root files wire everything
  const specs = [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
  return specs.map((spec) => {
    const target = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)) : null;
    return { file: relative(SRC, file), folder: from[0]!, spec, target };
  });
});
const crossings = imports.flatMap(({ file, folder, target }) => {
  const to = target?.split('/');
  return to && to.length > 1 && to[0] !== folder
    ? [{ file, folder, other: to[0]!, path: target! }]
    : [];
});

describe('the layers of src/ (docs/layers.json)', () => {
  it('places every folder of src/ on a layer', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());

    expect(folders.filter((f) => !levelOf.has(f))).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = crossings
      .filter((c) => (levelOf.get(c.other) ?? -1) > (levelOf.get(c.folder) ?? -1))
      .map((c) => `${c.file} -> ${c.path}`);

    expect(upward).toEqual([]);
  });

  it('reaches the domain and other features only through their module', () => {
    const surfaced = new Set(
      table.layers.filter((l) => table.publicSurface.includes(l.name)).flatMap((l) => l.folders),
    );
    const internals = crossings
      .filter((c) => surfaced.has(c.other) && c.path !== `${c.other}/${c.other}.module`)
      .map((c) => `${c.file} -> ${c.path}`);

    expect(internals).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const c of crossings) edges.set(c.folder, (edges.get(c.folder) ?? new Set()).add(c.other));
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);

    expect(cycles).toEqual([]);
  });

  it('keeps kafkajs inside src/kafka', () => {
    const users = imports
      .filter((i) => i.spec === 'kafkajs' && i.folder !== 'kafka')
      .map((i) => i.file);

    expect(users).toEqual([]);
  });
});
