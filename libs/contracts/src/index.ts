export * from './party-code';
export * from './topics';
export * from './validation';
export * from './referral';
export * from './events';
export * from './canonical-json';
export * from './cloudevents';
export * from './schema';
