export * from './cloud-event';
export * from './event-signature';
