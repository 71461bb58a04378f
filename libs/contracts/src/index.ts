export * from './party-code';
export * from './topics';
