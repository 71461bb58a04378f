import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) this summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one place in the code, in ms and as a share of the busy (non-idle) time. */
export interface Hotspot {
  name: string;
  ms: number;
  pct: number;
}

/** Where a profile's busy time went: by package or area of the hub, and by function. */
export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  byArea: Hotspot[];
  byFunction: Hotspot[];
}

/**
 * The area a script URL belongs to: a package under node_modules (`kafkajs`, `@nestjs/core`), the
 * hub's own folder (`hub/referrals`, `libs/contracts`), or `node` for Node's own code.
 */
export function areaOf(url: string): string {
  if (url === '') return '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  if (url.startsWith('node:')) return 'node';
  const own = /\/dist\/(src|libs)\/([^/]+)/.exec(url);
  if (own) return own[1] === 'src' ? `hub/${own[2]}` : `libs/${own[2]}`;
  return url;
}

/** Self time per area and per function over the whole profile, busiest first. */
export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)' || frame.functionName === '(program)') {
      if (frame.functionName === '(idle)') idleMs += ms;
      else busyMs += ms;
      if (frame.functionName === '(idle)') continue;
    } else busyMs += ms;
    const area = frame.functionName === '(garbage collector)' ? '(gc)' : areaOf(frame.url);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = frame.url ? `${areaOf(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const ranked = (m: Map<string, number>): Hotspot[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({
        name,
        ms: Math.round(ms),
        pct: busyMs === 0 ? 0 : Math.round((ms / busyMs) * 1000) / 10,
      }));
  return {
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleMs),
    byArea: ranked(areas),
    byFunction: ranked(functions),
  };
}

/** `npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top 25]`: prints the summary. */
function main(): void {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '25' } },
    allowPositionals: true,
  });
  for (const file of positionals) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const summary = summarizeProfile(profile, Number(values.top));
    process.stdout.write(`${file}: busy ${summary.busyMs} ms, idle ${summary.idleMs} ms\n`);
    for (const [title, list] of [
      ['by area', summary.byArea],
      ['by function', summary.byFunction],
    ] as const) {
      process.stdout.write(`  ${title}:\n`);
      for (const h of list) {
        process.stdout.write(
          `    ${String(h.pct).padStart(5)} %  ${String(h.ms).padStart(7)} ms  ${h.name}\n`,
        );
      }
    }
  }
}

if (require.main === module) main();
