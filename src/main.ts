import 'reflect-metadata';
import { createApp } from './app.factory';
import { loadAppConfig } from './bootstrap';
import { TopicProvisioner } from './kafka/topic-provisioner';

/** `npm start`: validates the configuration, then serves the hub until SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let loaded: ReturnType<typeof loadAppConfig>;
  try {
    loaded = loadAppConfig();
  } catch (error) {
    // One clear line per problem, no stack: the operator has a setting to fix, not a bug.
    process.stderr.write(`referral-hub: cannot start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { config, logger } = loaded;
  const app = await createApp(config, logger);
  void app
    .get(TopicProvisioner)
    .whenRefused()
    .then(async (problems) => {
      // One line per problem, as for a wrong setting: the cluster or the settings need fixing.
      for (const problem of problems) {
        process.stderr.write(`referral-hub: cannot start: ${problem}\n`);
      }
      await app.close().catch(() => undefined);
      process.exit(1);
    });
  await app.listen({ port: config.env.PORT, host: config.env.HOST });
  logger.info(
    { url: `http://${config.env.HOST}:${config.env.PORT}` },
    `referral hub listening on http://${config.env.HOST}:${config.env.PORT} (health: /health/ready)`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`referral-hub: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
