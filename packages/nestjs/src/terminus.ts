// @beacon/nestjs/terminus: the health indicator (needs @nestjs/terminus, an optional peer dependency).
export { BeaconHealthIndicator } from './health/beacon-health-indicator.js';
