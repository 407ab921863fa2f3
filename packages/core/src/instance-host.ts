import { InvalidParameterError } from './errors.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** An RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 1 to 63 each. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;

/**
 * An instance's `ip`: an IPv4 or IPv6 literal, or a host name as Nacos accepts them. Anything else
 * (spaces, `@`, `/`, a URL, an out-of-range quad such as `300.1.1.1`) is refused, so the address
 * the health checks and clients connect to is exactly an address.
 */
export function checkInstanceHost(ip: string): void {
  if (IPV4.test(ip) || isIpv6(ip)) return;
  // Digits and dots only, yet not a valid IPv4 address: a typo, never a host name.
  if (!/^[\d.]+$/.test(ip) && HOST_NAME.test(ip)) return;
  throw new InvalidParameterError(
    `instance format invalid: 'ip' must be an IP address or an RFC 1123 host name, got '${ip.slice(0, 64)}'`,
  );
}

function isIpv6(ip: string): boolean {
  if (!ip.includes(':') || !IPV6_CHARS.test(ip)) return false;
  const halves = ip.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  const last = groups.at(-1);
  const embeddedV4 = last !== undefined && last.includes('.');
  if (embeddedV4 && !IPV4.test(last)) return false;
  const hexGroups = embeddedV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const width = hexGroups.length + (embeddedV4 ? 2 : 0);
  return halves.length === 2 ? width < 8 : width === 8;
}
