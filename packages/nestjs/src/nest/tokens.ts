/** The options as given to forRoot / returned by forRootAsync's factory. */
export const BEACON_OPTIONS = Symbol('BEACON_OPTIONS');
/** The same options, checked (ResolvedBeaconOptions). */
export const BEACON_RESOLVED_OPTIONS = Symbol('BEACON_RESOLVED_OPTIONS');
