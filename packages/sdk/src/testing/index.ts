/**
 * `@beacon/sdk/testing`: aids for testing applications that use the client. Kept out of the main
 * entry so production code cannot pick up a fake clock by mistake.
 */
export { FakeClock } from './fake-clock.js';
