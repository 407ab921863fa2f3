/** This package's version (kept equal to package.json by a unit test). */
export const SDK_VERSION = '0.1.0';

/**
 * The User-Agent of every Nacos-face request. A Nacos (or Beacon) server reads the UA to decide
 * three things (docs/nacos-protocol.md §0): UDP push is only offered to known client types, `dom` and
 * `hosts[].serviceName` are grouped only for Java >= 1.0.0, and PUT /instance is a strict update
 * only for Java >= 1.0.0. We want push and grouped names, and we never send PUT /instance, so the
 * Java client's UA is the one that makes every server treat us as the well-tested client we imitate.
 */
export const NACOS_USER_AGENT = 'Nacos-Java-Client:v1.4.8';
/** Names us honestly for logs, next to the compatibility UA. */
export const SDK_AGENT = `beacon-sdk/${SDK_VERSION}`;
