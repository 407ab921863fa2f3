import { formatAgo, formatClock } from '../lib/format.js';
import { useServerNow } from '../lib/server-clock.js';
import { Badge, ServiceStateBadge } from '../ui/badges.js';

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

/** A listed service's state: its outage while the server keeps one, else its health state. */
export function ServiceListState(s: {
  lostAllInstancesAt?: number | undefined;
  instanceCount: number;
  healthyCount: number;
  protectionReached: boolean;
}) {
  return s.lostAllInstancesAt !== undefined ? (
    <OutageBadge lostAt={s.lostAllInstancesAt} />
  ) : (
    <ServiceStateBadge
      instanceCount={s.instanceCount}
      healthyCount={s.healthyCount}
      protectionReached={s.protectionReached}
    />
  );
}
