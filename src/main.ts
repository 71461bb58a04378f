import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from './app.factory';
import { loadAppConfig } from './bootstrap';
import { TopicProvisioner } from './kafka/topic-provisioner';

/** How long a refused start waits for the application to close before exiting. */
const CLOSE_WAIT_MS = 5_000;

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
      // Closed for a tidy exit, but never waited on for long: nothing of value is in flight.
      await Promise.race([app.close().catch(() => undefined), sleep(CLOSE_WAIT_MS)]);
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
