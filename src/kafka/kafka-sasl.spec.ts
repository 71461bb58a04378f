import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvError, loadEnv } from '../env';
import { kafkaSaslOptions } from './kafka-sasl';

describe(kafkaSaslOptions.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-sasl-'));
  const scram = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'referral-hub' };

  it('gives no login for a plaintext connection', () => {
    expect(kafkaSaslOptions(loadEnv({}))).toBeUndefined();
  });

  it('takes the password from the variable', () => {
    expect(kafkaSaslOptions(loadEnv({ ...scram, KAFKA_SASL_PASSWORD: 'pw' }))).toEqual({
      mechanism: 'scram-sha-512',
      username: 'referral-hub',
      password: 'pw',
    });
  });

  it('reads the password file, without its final newline', () => {
    const file = join(dir, 'hub.password');
    writeFileSync(file, 'from-the-file\n');

    expect(kafkaSaslOptions(loadEnv({ ...scram, KAFKA_SASL_PASSWORD_FILE: file }))).toEqual({
      mechanism: 'scram-sha-512',
      username: 'referral-hub',
      password: 'from-the-file',
    });
  });

  it('names the variable when the file is missing or empty', () => {
    const empty = join(dir, 'empty.password');
    writeFileSync(empty, '\n');

    for (const file of [join(dir, 'missing.password'), empty]) {
      const env = loadEnv({ ...scram, KAFKA_SASL_PASSWORD_FILE: file });
      expect(() => kafkaSaslOptions(env)).toThrow(EnvError);
      expect(() => kafkaSaslOptions(env)).toThrow(
        `invalid environment variable KAFKA_SASL_PASSWORD_FILE=${JSON.stringify(file)}: `,
      );
    }
  });
});
