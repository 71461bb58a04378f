export * from './asyncapi-document';
export * from './class-schema';
export * from './cloud-event-schema';
export type { JsonSchema, JsonValue, SchemaComponents } from './json-schema';
export { toYaml } from './yaml';
