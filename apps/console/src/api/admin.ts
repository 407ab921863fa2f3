import { AdminClient, BeaconApiError } from '@beacon/sdk/admin';
import { auth } from '../auth/session.js';

/** The console's one door to the server: same origin, the signed-in operator's token. */
export const admin = new AdminClient({ token: () => auth.token() });

export function isApiError(error: unknown, status?: number): error is BeaconApiError {
  return error instanceof BeaconApiError && (status === undefined || error.status === status);
}

/** The server's own words when it refuses; a plain sentence otherwise. */
export function errorText(error: unknown): string {
  if (error instanceof BeaconApiError) return error.message;
  if (error instanceof TypeError) return 'The server could not be reached. Check that Beacon is running.';
  return error instanceof Error ? error.message : String(error);
}
