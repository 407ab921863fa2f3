import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { gunzipSync } from 'node:zlib';

export interface PushPacket {
  readonly type: string;
  /** The packet's `data`: for `dom` / `service`, a ServiceInfo JSON string. */
  readonly data: string;
}

export interface PushReceiverHandlers {
  /** A `dom` or `service` packet's ServiceInfo, parsed. */
  onServiceInfo(info: unknown): void;
  /** The cache, for a `dump` request. */
  dump?(): string;
  onError?(error: Error): void;
}

/**
 * The Nacos 1.x UDP push receiver (docs/nacos-protocol.md §5): a udp4 socket on a random (or given)
 * port; packets are JSON, gzipped when they start with 1f 8b; `dom` and `service` carry a
 * ServiceInfo as a string. Every packet is acked to its sender with the packet's own `lastRefTime`,
 * echoed as a string of its exact digits, like the Java client: a server's nanoTime can exceed 2^53
 * and would not survive a round trip through a JS number.
 */
export class PushReceiver {
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly handlers: PushReceiverHandlers,
  ) {
    socket.on('message', (message, remote) => this.receive(message, remote));
    socket.on('error', (error) => handlers.onError?.(error));
  }

  static start(handlers: PushReceiverHandlers, port = 0): Promise<PushReceiver> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(port, () => {
        socket.off('error', reject);
        resolve(new PushReceiver(socket, socket.address().port, handlers));
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private receive(message: Buffer, remote: RemoteInfo): void {
    let text: string;
    try {
      text = (message[0] === 0x1f && message[1] === 0x8b ? gunzipSync(message) : message).toString('utf8');
    } catch (error) {
      this.handlers.onError?.(asError(error));
      return;
    }
    let packet: { type?: unknown; data?: unknown };
    try {
      packet = JSON.parse(text) as { type?: unknown; data?: unknown };
    } catch (error) {
      this.handlers.onError?.(asError(error));
      return;
    }
    const lastRefTime = /"lastRefTime"\s*:\s*"?(\d+)"?/.exec(text)?.[1] ?? '0';
    const type = typeof packet.type === 'string' ? packet.type : '';
    let ack: { type: string; data: string };
    if (type === 'dom' || type === 'service') {
      try {
        const data = typeof packet.data === 'string' ? (JSON.parse(packet.data) as unknown) : packet.data;
        this.handlers.onServiceInfo(data);
      } catch (error) {
        this.handlers.onError?.(asError(error));
      }
      ack = { type: 'push-ack', data: '' };
    } else if (type === 'dump') {
      ack = { type: 'dump-ack', data: this.handlers.dump?.() ?? '' };
    } else {
      ack = { type: 'unknown-ack', data: '' };
    }
    const reply = JSON.stringify({ type: ack.type, lastRefTime, data: ack.data });
    this.socket.send(reply, remote.port, remote.address, (error) => {
      if (error) this.handlers.onError?.(error);
    });
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
