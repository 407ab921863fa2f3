import type { ServerStatusHolder } from '../registry/server-status.js';

const SWITCHES = /^\/nacos\/v1\/ns\/(operator|ops)\/switches(\?|$)/;

/**
 * TrafficReviseFilter: while the server is not UP, naming requests are refused (503). The
 * switches stay reachable: they are where `overriddenServerStatus` is set, so an operator who set
 * it to DOWN or READ_ONLY can always set it back (Nacos needs a peer's User-Agent for that).
 */
export function refusedWhileNotUp(url: string, method: string, status: ServerStatusHolder): boolean {
  return url.startsWith('/nacos/v1/ns/') && !SWITCHES.test(url) && !status.admits(method);
}
