import { useQuery } from '@tanstack/react-query';
import { statusQueries } from '../api/queries.js';
import { useNow } from './ticker.js';

/**
 * The server's time, ticking: "last beat 3 s ago" compares server timestamps, so a browser
 * whose clock is off must not make healthy instances look silent.
 */
export function useServerNow(): number {
  const now = useNow();
  const { data, dataUpdatedAt } = useQuery(statusQueries.current());
  const skew = data ? data.now - dataUpdatedAt : 0;
  return now + skew;
}
