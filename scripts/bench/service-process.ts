import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { repoRoot } from '../lib/repo-root';
import { cpuTicks } from './cpu-breakdown';

/** CPU and memory of a process as the kernel counts them (Linux /proc). */
export interface ProcessUsage {
  /** Peak resident set size so far (VmHWM), in MiB. */
  peakRssMiB: number;
  /** Current resident set size (VmRSS), in MiB. */
  rssMiB: number;
  /** User + system CPU time so far, in seconds. */
  cpuSeconds: number;
}

/**
 * A server under test as its own OS process (the hub's `dist/src/main.js`, the naive endpoint),
 * so that its memory and CPU are its own and not the load generator's.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    private readonly name: string,
    private readonly args: readonly string[],
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
  ) {}

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    return pid;
  }

  /** Starts the process and waits until `readyPath` answers 200. */
  async start(readyPath: string, timeoutMs = 90_000): Promise<void> {
    this.child = spawn(process.execPath, [...this.args], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: repoRoot(),
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      }
      const ready = await fetch(`http://127.0.0.1:${this.port}${readyPath}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  usage(): ProcessUsage {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kib = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match?.[1] ? Number(match[1]) : Number.NaN;
    };
    const ticks = cpuTicks(readFileSync(`/proc/${this.pid}/stat`, 'utf8'));
    return {
      peakRssMiB: kib('VmHWM') / 1024,
      rssMiB: kib('VmRSS') / 1024,
      cpuSeconds: ticks / 100,
    };
  }

  logs(): string {
    return this.output;
  }

  /** SIGTERM and wait for the exit (shutdown hooks run: consumer leaves, relay lets go). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
