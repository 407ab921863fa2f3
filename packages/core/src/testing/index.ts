/**
 * `@beacon/core/testing`: what tests (and the bench's simulations) need and production never does.
 * Kept out of the main entry so the server cannot start on a fake clock by mistake.
 */
export { FakeClock } from './fake-clock.js';
export { TEST_SERVICE, lightBeat, registerCommand, testAddress } from './commands.js';
