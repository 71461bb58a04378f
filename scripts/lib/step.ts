import { spawn } from 'node:child_process';

/** Runs `fn`, printing `name … done in N s` so a newcomer sees where the time goes. */
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  process.stdout.write(`▶ ${name}\n`);
  const result = await fn();
  process.stdout.write(`✔ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  return result;
}

/** Runs a command with inherited stdio; resolves with its exit code (signals count as 1). */
export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', reject);
    child.on('exit', (code) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? 1);
    });
  });
}

/** Like {@link run} but throws when the command fails. */
export async function runOrThrow(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const code = await run(command, args, env);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}
