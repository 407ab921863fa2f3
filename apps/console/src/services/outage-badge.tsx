import { formatAgo, formatClock } from '../lib/format.js';
import { useServerNow } from '../lib/server-clock.js';
import { Badge } from '../ui/badges.js';

/** A service that had instances and lost them all: red, with when, for as long as the server keeps it listed. */
export function OutageBadge({ lostAt }: { lostAt: number }) {
  const serverNow = useServerNow();
  return (
    <span className="outage">
      <Badge tone="bad">Lost all instances</Badge>{' '}
      <time dateTime={new Date(lostAt).toISOString()} title={new Date(lostAt).toLocaleString()}>
        lost {formatAgo(serverNow - lostAt)}, at {formatClock(lostAt)}
      </time>
    </span>
  );
}
