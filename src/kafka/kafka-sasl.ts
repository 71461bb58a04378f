import type { Env } from '../env';
import type { KafkaLogin } from '../config/kafka-login';
import { readSettingFile, settingError } from './setting-file';

/**
 * The hub's Kafka login from the validated settings: none for `KAFKA_SASL_MECHANISM=none`, else
 * the mechanism, user and password (read once, at start-up, from `KAFKA_SASL_PASSWORD_FILE` when
 * that is how it is given).
 *
 * @throws EnvError naming `KAFKA_SASL_PASSWORD_FILE` when the file cannot be read or is empty
 */
export function kafkaSaslOptions(env: Env): KafkaLogin | undefined {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism === 'none') return undefined;
  const password =
    env.KAFKA_SASL_PASSWORD_FILE === ''
      ? env.KAFKA_SASL_PASSWORD
      : readPasswordFile(env.KAFKA_SASL_PASSWORD_FILE);
  return { mechanism, username: env.KAFKA_SASL_USERNAME, password };
}

function readPasswordFile(file: string): string {
  const text = readSettingFile(
    'KAFKA_SASL_PASSWORD_FILE',
    file,
    '; `KAFKA_SECURITY=scram npm run infra:up` generates the development credentials',
  );
  // A file written by `echo` ends in a newline that is no part of the password.
  const password = text.replace(/[\r\n]+$/, '');
  if (password === '') throw settingError('KAFKA_SASL_PASSWORD_FILE', file, 'the file is empty');
  return password;
}
