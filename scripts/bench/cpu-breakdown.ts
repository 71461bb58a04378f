import { readdirSync, readFileSync } from 'node:fs';

/** Who spent the machine's CPU during a scenario, in cores (1.0 = one core busy all along). */
export interface CpuBreakdown {
  seconds: number;
  cores: number;
  /** Per part: the hub, PostgreSQL, the Kafka broker, the bench itself (load and partner side). */
  parts: Record<string, number>;
  idle: number;
  /** Of the hub's CPU, the share spent in the kernel (system time: sockets, syscalls), in %. */
  hubSystemPct: number;
}

interface Snapshot {
  at: number;
  /** Ticks per pid (user + system, and system alone), with the command name. */
  processes: Map<number, { comm: string; ticks: number; systemTicks: number }>;
  /** Machine-wide ticks from /proc/stat: all, and idle (+ iowait). */
  total: number;
  idle: number;
}

const TICKS_PER_SECOND = 100;

/**
 * Samples /proc before and after a scenario to say where the machine's CPU went: the figures
 * compare the hub with references that share the same two cores with PostgreSQL, the broker and
 * the load generator, so a shortfall is read against this. Processes started and ended inside
 * the window are not seen (none are, in the scenarios it is used for).
 */
export class CpuMeter {
  private start: Snapshot | undefined;

  begin(): void {
    this.start = snapshot();
  }

  /** The use since {@link begin}; `hubPid` is the hub's process, which may have started since. */
  end(hubPid: number): CpuBreakdown {
    const before = this.start;
    if (!before) throw new Error('CpuMeter.end() before begin()');
    const after = snapshot();
    const seconds = (after.at - before.at) / 1000;
    const parts: Record<string, number> = {};
    const hubBefore = before.processes.get(hubPid);
    const hubAfter = after.processes.get(hubPid);
    const hubTicks = (hubAfter?.ticks ?? 0) - (hubBefore?.ticks ?? 0);
    const hubSystem = (hubAfter?.systemTicks ?? 0) - (hubBefore?.systemTicks ?? 0);
    for (const [pid, now] of after.processes) {
      const then = before.processes.get(pid)?.ticks ?? 0;
      const used = (now.ticks - then) / TICKS_PER_SECOND / seconds;
      const part = partOf(pid, now.comm, hubPid);
      parts[part] = (parts[part] ?? 0) + used;
    }
    const totalTicks = after.total - before.total;
    const cores = totalTicks > 0 ? totalTicks / TICKS_PER_SECOND / seconds : 0;
    const idle = (after.idle - before.idle) / TICKS_PER_SECOND / seconds;
    const rounded = Object.fromEntries(
      Object.entries(parts)
        .filter(([, v]) => v >= 0.005)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round(v * 100) / 100]),
    );
    return {
      seconds: Math.round(seconds * 10) / 10,
      cores: Math.round(cores * 10) / 10,
      parts: rounded,
      idle: Math.round(idle * 100) / 100,
      hubSystemPct: hubTicks > 0 ? Math.round((hubSystem / hubTicks) * 100) : 0,
    };
  }
}

/** One line, e.g. `hub 0.71, postgres 0.62, kafka 0.31, bench 0.28, idle 0.05 (of 2 cores)`. */
export function describeCpu(b: CpuBreakdown): string {
  const parts = Object.entries(b.parts).map(([k, v]) => `${k} ${v.toFixed(2)}`);
  return `${parts.join(', ')}, idle ${b.idle.toFixed(2)} (cores busy, of ${b.cores.toFixed(0)}, over ${b.seconds} s; hub ${b.hubSystemPct} % in the kernel)`;
}

/** User + system CPU ticks of a process, from the text of its `/proc/<pid>/stat`. */
export function cpuTicks(stat: string): number {
  return userAndSystemTicks(stat).reduce((a, b) => a + b, 0);
}

/** [user, system] CPU ticks of a process, from the text of its `/proc/<pid>/stat`. */
export function userAndSystemTicks(stat: string): [number, number] {
  // Fields after the command name (which may hold spaces): utime is 14th, stime 15th overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]), Number(fields[12])];
}

function snapshot(): Snapshot {
  const processes = new Map<number, { comm: string; ticks: number; systemTicks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [user, system] = userAndSystemTicks(stat);
    processes.set(pid, { comm, ticks: user + system, systemTicks: system });
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
  const values = cpu.map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { at: Date.now(), processes, total, idle };
}

function partOf(pid: number, comm: string, hubPid: number): string {
  if (pid === hubPid) return 'hub';
  if (pid === process.pid) return 'bench';
  if (comm === 'postgres') return 'postgres';
  if (comm === 'java') return 'kafka';
  return 'other';
}
