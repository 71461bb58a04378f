import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { loadAppConfig } from '../../src/bootstrap';
import { TopicProvisioner } from '../../src/kafka/topic-provisioner';

/**
 * Boots the real hub (Fastify, TypeORM on the test database, kafkajs on the real broker) as
 * `npm test` configured it through the environment, and waits until its topics exist.
 */
export async function startTestApp(
  overrides: NodeJS.ProcessEnv = {},
): Promise<NestFastifyApplication> {
  const { config, logger } = loadAppConfig({ ...process.env, ...overrides });
  const app = await createApp(config, logger);
  await app.get(TopicProvisioner).whenProvisioned();
  return app;
}
