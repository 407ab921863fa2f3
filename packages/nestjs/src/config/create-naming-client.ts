import { NamingClient, OptionsError, type NamingClientOptions } from '@beacon/sdk';
import { BeaconConfigError } from './config-error.js';

/** The SDK client, its option errors prefixed like ours (`BeaconModule: serverAddresses is required ...`). */
export function createNamingClient(options: NamingClientOptions, label: string): NamingClient {
  try {
    return new NamingClient(options);
  } catch (error) {
    if (error instanceof OptionsError) throw new BeaconConfigError(`${label}: ${error.message}`, { cause: error });
    throw error;
  }
}
