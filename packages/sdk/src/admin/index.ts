export * from './admin-client.js';
export * from './watch.js';
export { PreservedKeys } from './preserved-keys.js';
export { SseParser, type SseEvent } from './sse-parser.js';
export type { components, paths, operations } from './api-types.js';
