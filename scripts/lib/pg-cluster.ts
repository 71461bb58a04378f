// A throw-away PostgreSQL cluster of its own (initdb into a temporary folder, its own port, trust
// auth), so that a test may stop and restart "the database" without touching the machine's server.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Where a cluster lives and listens. */
export interface PgClusterOptions {
  /** Folder holding the data directory, the socket and the server log. */
  dir: string;
  port: number;
  /** Folder of `initdb`, `pg_ctl` (`PG_BIN_DIR`, else PostgreSQL 15's Debian location). */
  binDir?: string;
}

const DEFAULT_BIN_DIR = '/usr/lib/postgresql/15/bin';
const HOST = '127.0.0.1';
/** OS user that owns and runs the cluster when we are root (PostgreSQL refuses to run as root). */
const SERVICE_USER = 'postgres';

/**
 * One PostgreSQL cluster, run with `pg_ctl` as the `postgres` OS user when the caller is root.
 * Only ever signals the postmaster of its own data directory, so it cannot disturb another server.
 */
export class PgCluster {
  private constructor(private readonly options: PgClusterOptions) {}

  /** A new cluster in a new temporary folder (initdb, trust auth, UTF-8); not started yet. */
  static async create(port: number, binDir?: string): Promise<PgCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'mrh-faults-pg-'));
    const cluster = new PgCluster({ dir, port, ...(binDir !== undefined && { binDir }) });
    try {
      if (process.getuid?.() === 0) {
        const [uid, gid] = await Promise.all([
          exec('id', ['-u', SERVICE_USER]),
          exec('id', ['-g', SERVICE_USER]),
        ]);
        chownSync(dir, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
      }
      await cluster.pg('initdb', [
        '-D',
        cluster.dataDir,
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--username=postgres',
        '--no-sync',
      ]);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return cluster;
  }

  /** A cluster created earlier (by another process of the same run). */
  static attach(options: PgClusterOptions): PgCluster {
    return new PgCluster(options);
  }

  get descriptor(): PgClusterOptions {
    return { ...this.options };
  }

  get dataDir(): string {
    return join(this.options.dir, 'data');
  }

  get logFile(): string {
    return join(this.options.dir, 'server.log');
  }

  /** Connection string of `database` as `user` (trust auth: no password). */
  url(database: string, user = 'postgres'): string {
    return `postgres://${user}@${HOST}:${this.options.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    await this.pg('pg_ctl', [
      'start',
      '-D',
      this.dataDir,
      '-l',
      this.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      [
        `-p ${this.options.port}`,
        `-c listen_addresses=${HOST}`,
        `-c unix_socket_directories=${this.options.dir}`,
        // Nothing here must survive an OS crash; a fault test wants a fast disk, not a safe one.
        '-c fsync=off',
        '-c full_page_writes=off',
        '-c max_connections=100',
      ].join(' '),
    ]);
  }

  /**
   * Stops the server: `fast` (what a restart does: sessions are terminated, transactions rolled
   * back) or `immediate` (like a crash). A stopped or missing cluster is not an error.
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.isRunning()) return;
    await this.pg('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', '60']);
  }

  /** True while the postmaster of this data directory is alive. */
  isRunning(): boolean {
    const pid = this.postmasterPid();
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      // Guards against pid reuse: the process must be a postgres serving our data directory.
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.dataDir);
    } catch {
      return true;
    }
  }

  /** Stops the server at once and deletes its folder. */
  async destroy(): Promise<void> {
    try {
      await this.stop('immediate');
    } finally {
      rmSync(this.options.dir, { recursive: true, force: true });
    }
  }

  private postmasterPid(): number | undefined {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Runs a PostgreSQL program, as the `postgres` OS user when we are root. */
  private async pg(program: string, args: readonly string[]): Promise<void> {
    const bin = join(this.options.binDir ?? process.env.PG_BIN_DIR ?? DEFAULT_BIN_DIR, program);
    const [command, argv] =
      process.getuid?.() === 0
        ? ['runuser', ['-u', SERVICE_USER, '--', bin, ...args]]
        : [bin, [...args]];
    try {
      await exec(command, argv, { cwd: this.options.dir, timeout: 120_000 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      const log = existsSync(this.logFile)
        ? readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n')
        : '';
      throw new Error(
        `postgres: ${program} ${args[0] ?? ''} failed: ${(e.stderr ?? '').trim() || e.message}${log ? `\n--- ${this.logFile} ---\n${log}` : ''}`,
        { cause: error },
      );
    }
  }
}
