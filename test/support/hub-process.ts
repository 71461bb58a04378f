import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** The built hub (`dist/src/main.js`, what `npm start` runs) as a separate OS process. */
export class HubProcess {
  private child: ChildProcess | undefined;
  private output = '';

  /** A random high port by default, so suites of two checkouts running at once do not collide. */
  constructor(
    readonly port: number = 20_000 + Math.floor(Math.random() * 30_000),
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** OS process id of the running hub (undefined before the first start). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while the process started last has not exited. */
  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  /** Starts the hub and waits until `/health/ready` answers 200. */
  async start(timeoutMs = 60_000): Promise<void> {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
    this.child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        throw new Error(`hub exited with ${this.child.exitCode}:\n${this.output}`);
      }
      const ready = await fetch(`${this.url}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`hub not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGKILL: no shutdown hooks, no flushing — a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: a clean shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  logs(): string {
    return this.output;
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }
}
