/** What `beacon [argument]` (or `node dist/main.js [argument]`) asks for. */
export type Command =
  | { readonly kind: 'serve' }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'reset-admin-password' }
  | { readonly kind: 'unknown'; readonly argument: string };

export const USAGE = `Usage: beacon [command]

Beacon: a service registry speaking the Nacos 1.x and 2.x protocols, with its web console.

Commands:
  (none), serve           serve the HTTP API and the console on PORT (8848) and Nacos 2.x gRPC on
                          PORT + 1000, with the data in BEACON_DATA_DIR (./data)
  reset-admin-password    give the admin 'nacos' a new password: BEACON_ADMIN_PASSWORD when set,
                          else a generated one, printed. A single server must be stopped first (it
                          refuses while one uses the data directory); in cluster mode
                          (BEACON_REDIS_URL and BEACON_DATABASE_URL set) the nodes may keep running
  -h, --help              print this help
  -v, --version           print the version

Configuration comes from the environment: PORT, HOST, BEACON_DATA_DIR, BEACON_AUTH (on|off),
BEACON_ADMIN_PASSWORD, BEACON_LOG_LEVEL (log|debug|...) and the others in the README's table.
`;

/** One optional argument; anything else is a mistake that must not start a server. */
export function parseCommandLine(args: readonly string[]): Command {
  const [first, ...rest] = args;
  const command = commandNamed(first);
  if (command.kind !== 'unknown' && rest.length > 0) return { kind: 'unknown', argument: rest[0]! };
  return command;
}

function commandNamed(first: string | undefined): Command {
  if (first === undefined) return { kind: 'serve' };
  switch (first) {
    case 'serve':
      return { kind: 'serve' };
    case '-h':
    case '--help':
    case 'help':
      return { kind: 'help' };
    case '-v':
    case '--version':
      return { kind: 'version' };
    case 'reset-admin-password':
      return { kind: 'reset-admin-password' };
    default:
      return { kind: 'unknown', argument: first };
  }
}
