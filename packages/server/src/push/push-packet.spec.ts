import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePushPacket, parseAck } from './push-packet.js';

describe('push packets', () => {
  it('carries the ServiceInfo as a string and stays raw under 1 KiB', () => {
    const packet = encodePushPacket('{"hosts":[]}', 42);
    expect(JSON.parse(packet.toString('utf8'))).toEqual({ type: 'dom', data: '{"hosts":[]}', lastRefTime: 42 });
  });

  it('gzips the whole packet from 1 KiB', () => {
    const info = JSON.stringify({ blob: 'x'.repeat(1100) });
    const packet = encodePushPacket(info, 7);
    expect([packet[0], packet[1]]).toEqual([0x1f, 0x8b]);
    expect(JSON.parse(gunzipSync(packet).toString('utf8')).data).toBe(info);
  });

  it('reads numeric and string acks, and nothing else', () => {
    const ack = (body: unknown) => parseAck(Buffer.from(JSON.stringify(body)));
    expect(ack({ type: 'push-ack', lastRefTime: 12, data: '' })).toBe(12);
    expect(ack({ type: 'push-ack', lastRefTime: '12', data: '' })).toBe(12);
    expect(ack({ type: 'push-ack', lastRefTime: 'x' })).toBeUndefined();
    expect(ack({ type: 'push-ack', lastRefTime: 2 ** 60 })).toBeUndefined();
    expect(ack({ type: 'dump-ack', lastRefTime: 12 })).toBeUndefined();
    expect(parseAck(Buffer.from('not json'))).toBeUndefined();
  });
});
