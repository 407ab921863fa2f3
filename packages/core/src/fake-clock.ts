// The FakeClock lives in the test entry (`@beacon/core/testing`); this path stays only for specs
// not yet moved to it (health/*). Not exported from the package's main entry.
export { FakeClock } from './testing/fake-clock.js';
