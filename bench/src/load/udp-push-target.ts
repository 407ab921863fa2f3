import { createSocket, type Socket } from 'node:dgram';
import { gunzipSync } from 'node:zlib';

/** A Nacos 1.x push packet as the bench reads it. */
export interface PushPacket {
  readonly type: string;
  readonly lastRefTime: number;
  readonly data: string;
}

/**
 * A UDP socket on 127.0.0.1 that receives Nacos 1.x pushes and acks each as the Node client does
 * (so the server resends nothing); packets of 1 KiB or more arrive gzipped.
 */
export class UdpPushTarget {
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {}

  static async open(onPush: (packet: PushPacket) => void): Promise<UdpPushTarget> {
    const socket = createSocket('udp4');
    socket.on('message', (message, remote) => {
      const gzipped = message[0] === 0x1f && message[1] === 0x8b;
      const packet = JSON.parse((gzipped ? gunzipSync(message) : message).toString('utf8')) as PushPacket;
      socket.send(
        JSON.stringify({ type: 'push-ack', lastRefTime: packet.lastRefTime, data: '' }),
        remote.port,
        remote.address,
      );
      onPush(packet);
    });
    await new Promise<void>((resolve) => socket.bind({ port: 0, address: '127.0.0.1' }, resolve));
    return new UdpPushTarget(socket, socket.address().port);
  }

  close(): void {
    this.socket.close();
  }
}
