import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

/** Starts the built hub (`npm start` runs the same file) and returns what it printed. */
function startWith(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('starting the hub', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  });

  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://localhost/hub'],
    ['KAFKA_BROKERS', 'localhost'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_POOL_SIZE', '0'],
    ['KAFKA_SASL_MECHANISM', 'kerberos'],
  ])('stops with one line naming %s when it is wrong', (name, value) => {
    const { status, stderr } = startWith({ [name]: value });

    expect(status).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${name}=${JSON.stringify(value)}`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with a clear line when the party registry is missing', () => {
    const { status, stderr } = startWith({ CONFIG_DIR: '/nonexistent-config' });

    expect(status).toBe(1);
    expect(stderr).toContain('/nonexistent-config/parties.json');
  });

  it('stops with one line naming the Kafka password file when it cannot read it', () => {
    const { status, stderr } = startWith({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'referral-hub',
      KAFKA_SASL_PASSWORD_FILE: '/nonexistent/kafka.password',
    });

    expect(status).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'KAFKA_SASL_PASSWORD_FILE="/nonexistent/kafka.password": cannot read it',
    );
  });
});
