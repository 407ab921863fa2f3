import { BlockList, isIP } from 'node:net';

/**
 * A list of CIDR ranges (`10.0.0.0/8`, `fd00::/8`, or a bare address), read once from the
 * configuration and asked per address. Backed by Node's BlockList; IPv4-mapped IPv6 addresses
 * (`::ffff:10.1.2.3`, as a dual-stack socket reports them) are judged as the IPv4 address they are.
 */
export class AddressList {
  private readonly list = new BlockList();

  private constructor(
    /** The entries as configured, for messages and the README. */
    readonly entries: readonly string[],
  ) {
    for (const entry of entries) {
      const slash = entry.indexOf('/');
      const address = slash < 0 ? entry : entry.slice(0, slash);
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      const prefix = slash < 0 ? (family === 'ipv6' ? 128 : 32) : Number(entry.slice(slash + 1));
      this.list.addSubnet(address, prefix, family);
    }
  }

  /** Parses a comma-separated list; throws with the offending entry when one is not a CIDR. */
  static parse(text: string): AddressList {
    const entries = text
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    for (const entry of entries) {
      if (!isCidr(entry)) throw new Error(`'${entry}' is not an IP address or CIDR range`);
    }
    return new AddressList(entries);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  has(address: string): boolean {
    const ip = unmapped(address);
    const family = isIP(ip);
    if (family === 0) return false;
    return this.list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** `::ffff:1.2.3.4` -> `1.2.3.4`; anything else unchanged. */
export function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isCidr(entry: string): boolean {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const prefix = entry.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32);
}
