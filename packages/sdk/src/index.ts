export * from './admin/index.js';
