export * from './cloud-event';
