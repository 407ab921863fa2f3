import { createSocket, type Socket } from 'node:dgram';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { PushReceiver } from './push-receiver.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** A UDP socket standing in for the server's pusher: sends a packet, resolves with the ack. */
async function pusher(): Promise<{ send(packet: Buffer | string, port: number): Promise<string> }> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  open.push({ close: () => new Promise<void>((resolve) => socket.close(() => resolve())) });
  return {
    send: (packet, port) =>
      new Promise((resolve) => {
        socket.once('message', (message) => resolve(message.toString('utf8')));
        socket.send(packet, port, '127.0.0.1');
      }),
  };
}

async function receiver(dump?: () => string) {
  const infos: unknown[] = [];
  const errors: Error[] = [];
  const r = await PushReceiver.start({ onServiceInfo: (i) => infos.push(i), dump, onError: (e) => errors.push(e) });
  open.push(r);
  return { r, infos, errors };
}

const serviceInfo = { name: 'DEFAULT_GROUP@@demo', clusters: '', hosts: [{ ip: '10.0.0.1', port: 80 }] };

describe('PushReceiver', () => {
  it('hands over the ServiceInfo of a dom packet and acks it with the exact lastRefTime, as a string', async () => {
    const { r, infos } = await receiver();
    const server = await pusher();
    // 2^53 + 1 does not survive a JS number; the ack must echo the digits.
    const packet = `{"type":"dom","data":${JSON.stringify(JSON.stringify(serviceInfo))},"lastRefTime":9007199254740993}`;
    const ack = await server.send(packet, r.port);
    expect(JSON.parse(ack)).toEqual({ type: 'push-ack', lastRefTime: '9007199254740993', data: '' });
    expect(infos).toEqual([serviceInfo]);
  });

  it('gunzips packets that start with the gzip magic, and accepts the service type', async () => {
    const { r, infos } = await receiver();
    const server = await pusher();
    const packet = JSON.stringify({ type: 'service', data: JSON.stringify(serviceInfo), lastRefTime: 7 });
    const ack = await server.send(gzipSync(packet), r.port);
    expect(JSON.parse(ack)).toEqual({ type: 'push-ack', lastRefTime: '7', data: '' });
    expect(infos).toEqual([serviceInfo]);
  });

  it('answers dump with the cache and anything else with unknown-ack', async () => {
    const { r, infos } = await receiver(() => '{"cache":1}');
    const server = await pusher();
    expect(JSON.parse(await server.send('{"type":"dump","lastRefTime":"3","data":""}', r.port))).toEqual({
      type: 'dump-ack',
      lastRefTime: '3',
      data: '{"cache":1}',
    });
    expect(JSON.parse(await server.send('{"type":"hello","lastRefTime":4}', r.port)).type).toBe('unknown-ack');
    expect(infos).toEqual([]);
  });

  it('reports a packet that is not JSON and keeps receiving', async () => {
    const { r, infos, errors } = await receiver();
    const server = await pusher();
    const socket = createSocket('udp4');
    socket.send('not json', r.port, '127.0.0.1', () => socket.close());
    await expect.poll(() => errors.length).toBe(1);
    const ack = await server.send(
      JSON.stringify({ type: 'dom', data: JSON.stringify(serviceInfo), lastRefTime: 1 }),
      r.port,
    );
    expect(JSON.parse(ack).type).toBe('push-ack');
    expect(infos).toHaveLength(1);
  });
});
