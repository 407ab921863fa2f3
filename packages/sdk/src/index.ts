// @beacon/sdk for Node: the naming client, plus everything of the browser-safe admin entry.
export * from './naming/index.js';
export * from './admin/index.js';
