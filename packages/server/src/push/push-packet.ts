import { gzipSync } from 'node:zlib';

/** Packets of 1 KiB or more are gzipped whole; clients detect gzip by its magic bytes. */
export const GZIP_THRESHOLD_BYTES = 1024;

/**
 * The UDP push packet of Nacos 1.x: `data` is the ServiceInfo JSON as a STRING (Java and Go
 * declare it a String and fail on an object). `lastRefTime` is what the ack echoes back.
 */
export function encodePushPacket(serviceInfoJson: string, lastRefTime: number): Buffer {
  const json = Buffer.from(JSON.stringify({ type: 'dom', data: serviceInfoJson, lastRefTime }), 'utf8');
  return json.length >= GZIP_THRESHOLD_BYTES ? gzipSync(json) : json;
}

/**
 * The `lastRefTime` of a `push-ack`, or undefined for anything else. Java and Go echo it as a
 * string, Node as a number; both are accepted.
 */
export function parseAck(message: Buffer): number | undefined {
  let packet: unknown;
  try {
    packet = JSON.parse(message.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof packet !== 'object' || packet === null) return undefined;
  const { type, lastRefTime } = packet as { type?: unknown; lastRefTime?: unknown };
  if (type !== 'push-ack') return undefined;
  const value = typeof lastRefTime === 'string' && /^\d+$/.test(lastRefTime.trim()) ? Number(lastRefTime) : lastRefTime;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}
