/** Injection token of the typed configuration read at start. */
export const CONFIG = Symbol('BeaconConfig');
