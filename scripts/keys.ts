import 'reflect-metadata';
import { ensureDevKeys } from './lib/dev-keys-setup';

/** `npm run keys`: generates the missing development keys and certificates into .dev (also done by infra:up). */
ensureDevKeys().then(
  (created) => {
    console.log(
      created.length > 0
        ? `keys: generated ${created.join(', ')}`
        : 'keys: all present in .dev/keys and .dev/tls',
    );
  },
  (error: unknown) => {
    console.error(`keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
