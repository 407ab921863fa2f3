import { OptionsError } from '@beacon/sdk';

/**
 * Invalid Beacon options: thrown while the application starts, so a typo stops it with a message
 * that names the option. It is the SDK's OptionsError, so `catch (e instanceof OptionsError)` sees both.
 */
export class BeaconConfigError extends OptionsError {}
