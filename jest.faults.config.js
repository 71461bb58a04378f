// @ts-check
/**
 * The fault tests (test/faults): run only by `npm run test:faults` (and `npm test` after the other
 * tiers), which starts the broker and the PostgreSQL cluster they stop and restart. Same compiler
 * set-up as the end-to-end tier.
 */
const base = require('./jest.config');

const e2e = base.projects.find((p) => p.displayName === 'e2e');
if (!e2e) throw new Error('jest.config.js has no e2e project to build the fault tier on');

/** @type {import('jest').Config} */
module.exports = {
  ...e2e,
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  slowTestThreshold: 300,
  testTimeout: 300_000,
};
