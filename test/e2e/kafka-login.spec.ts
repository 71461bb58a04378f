import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { loadAppConfig } from '../../src/bootstrap';
import { SECURED } from '../support/kafka-clients';

describe('the hub logging in to the secured broker', () => {
  let app: NestFastifyApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('is not ready with a wrong password, and says that Kafka refuses its credentials', async () => {
    if (!SECURED) throw new Error('this test needs the broker in scram mode (npm test)');
    const { config, logger } = loadAppConfig({
      ...process.env,
      KAFKA_SASL_PASSWORD_FILE: '',
      KAFKA_SASL_PASSWORD: 'not-the-hubs-password',
      // Nothing else that would keep retrying its login in the background after the test.
      KAFKA_CREATE_TOPICS: 'false',
      OUTBOX_RELAY_ENABLED: 'false',
      INBOUND_CONSUMER_ENABLED: 'false',
    });
    app = await createApp(config, logger);

    const res = await request(app.getHttpServer()).get('/health/ready');

    expect(res.status).toBe(503);
    expect(res.body.checks.error).toEqual({
      kafka: {
        status: 'down',
        message: "the Kafka cluster refuses the hub's credentials (KAFKA_SASL_*)",
      },
    });
    expect(res.text).not.toContain('not-the-hubs-password');
  });
});
