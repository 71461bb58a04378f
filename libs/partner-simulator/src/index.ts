export * from './cli';
export * from './fixtures';
export * from './hub-events';
export * from './partner-system';
export * from './referral-flow';
export * from './signing';
