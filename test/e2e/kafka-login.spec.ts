import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { loadAppConfig } from '../../src/bootstrap';
import { EnvError } from '../../src/env';
import { HUB_TLS, SECURED, brokersOf, devCertificate } from '../support/kafka-clients';

describe('the hub logging in to the secured broker', () => {
  const tlsDir = join(__dirname, '..', '..', '.dev', 'tls');
  /** Nothing else that would keep retrying its connection in the background after the test. */
  const quiet = {
    KAFKA_CREATE_TOPICS: 'false',
    OUTBOX_RELAY_ENABLED: 'false',
    INBOUND_CONSUMER_ENABLED: 'false',
  };

  let app: NestFastifyApplication | undefined;

  /** `/health/ready` of a hub started with `env` over the suite's settings. */
  async function readiness(env: NodeJS.ProcessEnv): Promise<request.Response> {
    const { config, logger } = loadAppConfig({ ...process.env, ...quiet, ...env });
    app = await createApp(config, logger);
    return request(app.getHttpServer()).get('/health/ready');
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is not ready with a wrong password, and says that Kafka refuses its credentials', async () => {
    if (!SECURED) throw new Error('this test needs the broker in tls mode (npm test)');

    const res = await readiness({
      KAFKA_SASL_PASSWORD_FILE: '',
      KAFKA_SASL_PASSWORD: 'not-the-hubs-password',
    });

    expect(res.status).toBe(503);
    expect(res.body.checks.error).toEqual({
      kafka: {
        status: 'down',
        message: "the Kafka cluster refuses the hub's credentials (KAFKA_SASL_*)",
      },
    });
    expect(res.text).not.toContain('not-the-hubs-password');
  });

  describe('over TLS', () => {
    beforeAll(() => {
      if (HUB_TLS === undefined)
        throw new Error('these tests need the broker in tls mode (npm test)');
    });

    it('is not ready when KAFKA_SSL_CA_FILE did not sign the broker’s certificate, and says so', async () => {
      const otherCa = join(tlsDir, 'other-ca.pem');

      const res = await readiness({ KAFKA_SSL_CA_FILE: otherCa });

      expect(res.status).toBe(503);
      expect(res.body.checks.error.kafka.message).toMatch(
        new RegExp(
          `^Kafka TLS: the broker's certificate is not signed by KAFKA_SSL_CA_FILE \\(${otherCa.replace(/[.]/g, '\\.')}\\) \\(SELF_SIGNED_CERT_IN_CHAIN: `,
        ),
      );
    });

    it('connects with its client certificate over SSL, without a password', async () => {
      const hub = devCertificate('referral-hub');

      const res = await readiness({
        KAFKA_BROKERS: brokersOf('SSL').join(','),
        KAFKA_SASL_MECHANISM: 'none',
        KAFKA_SASL_USERNAME: '',
        KAFKA_SASL_PASSWORD_FILE: '',
        KAFKA_SSL_CERT_FILE: hub.certFile,
        KAFKA_SSL_KEY_FILE: hub.keyFile,
      });

      // On a 503 the checks that failed show in the diff.
      expect(res.status === 200 ? res.body.info.kafka : res.body.checks.error).toEqual({
        status: 'up',
      });
    });

    it('does not start with an expired client certificate, and names it', () => {
      const [expired] = readdirSync(tlsDir).filter((f) => /^expired-.*\.pem$/.test(f));
      const certFile = join(tlsDir, expired ?? '');

      const start = (): unknown =>
        loadAppConfig({
          ...process.env,
          KAFKA_SSL_CERT_FILE: certFile,
          KAFKA_SSL_KEY_FILE: certFile.replace(/\.pem$/, '.key'),
        });

      expect(start).toThrow(EnvError);
      expect(start).toThrow(
        new RegExp(
          `^invalid environment variable KAFKA_SSL_CERT_FILE="${certFile}": the certificate of CN=partner-[A-Z]+, O=Mekong Referral Hub development expired on \\d{4}-`,
        ),
      );
    });
  });
});
