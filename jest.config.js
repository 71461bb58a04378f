// @ts-check
/**
 * Tiers (house style): unit tests beside the code; medium tests of the business rules against the
 * real PostgreSQL without Kafka; integration tests against the real PostgreSQL and Kafka;
 * end-to-end tests through the booted HTTP app; the hostile-input suite. SWC compiles TypeScript
 * (with decorator metadata) and also the ESM-only Nest 12, jose and cookie (behind Fastify's
 * `inject`) packages, which Jest's CommonJS runtime could not load otherwise.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/**
 * `timeout` sets only the slow-test threshold: Jest takes `testTimeout` from the global config
 * alone, so a project that needs longer sets it in a `setupFilesAfterEnv` file (see `browser`).
 * @param {string} name @param {string[]} testMatch @param {number} timeout
 * @param {Partial<import('jest').Config>} [extra]
 */
const project = (name, testMatch, timeout, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch,
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@fastify/static|content-disposition|jose|canonicalize|cookie|fast-check|pure-rand)/)',
  ],
  moduleNameMapper: {
    '^@hub/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@hub/contracts/(.*)$': '<rootDir>/libs/contracts/src/$1',
    '^@hub/transparency-log$': '<rootDir>/libs/transparency-log/src/index.ts',
    '^@hub/transparency-log/(.*)$': '<rootDir>/libs/transparency-log/src/$1',
  },
  setupFiles: ['reflect-metadata'],
  slowTestThreshold: timeout / 4000,
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project(
      'unit',
      [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
      10_000,
    ),
    // The referral commands and the inbound processor on a real PostgreSQL (real migrations, a
    // database of their own) and no Kafka: the business rules in seconds (`npm run test:medium`).
    project('medium', ['<rootDir>/test/medium/**/*.spec.ts'], 30_000),
    project('integration', ['<rootDir>/test/integration/**/*.spec.ts'], 60_000),
    project('e2e', ['<rootDir>/test/e2e/**/*.spec.ts'], 60_000),
    // Thousands of generated malformed and adversarial inputs at the HTTP API and partner topics.
    project('hostile', ['<rootDir>/test/hostile/**/*.spec.ts'], 120_000),
    // The console in Debian's Chromium (playwright-core) against the real hub, PostgreSQL and
    // Kafka; a missing Chromium fails these tests, it never skips them.
    project('browser', ['<rootDir>/test/browser/**/*.spec.ts'], 120_000, {
      setupFilesAfterEnv: ['<rootDir>/test/browser/timeout.setup.ts'],
    }),
  ],
  testTimeout: 60_000,
};
