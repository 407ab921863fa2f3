export { createBeaconApp } from './app.js';
export { loadConfig, ConfigError, type BeaconConfig } from './config/config.js';
