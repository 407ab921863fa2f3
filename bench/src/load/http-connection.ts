import { connect, type Socket } from 'node:net';
import { ResponseParser, type HttpResponse } from './response-parser.js';

export type ResponseCallback = (response: HttpResponse | Error) => void;

/**
 * One keep-alive TCP connection carrying at most one request at a time (no pipelining), as a
 * real client's connection does. Requests are pre-serialized bytes, so the generator spends its
 * CPU on sockets rather than on building requests. A dropped connection is re-opened on next use.
 */
export class HttpConnection {
  private socket: Socket | undefined;
  private readonly parser = new ResponseParser();
  private callback: ResponseCallback | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get busy(): boolean {
    return this.callback !== undefined;
  }

  open(): Promise<void> {
    if (this.socket !== undefined) return Promise.resolve();
    this.connecting ??= new Promise<void>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const fail = (error: Error) => {
        this.connecting = undefined;
        reject(error);
      };
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.off('error', fail);
        this.attach(socket);
        this.connecting = undefined;
        resolve();
      });
    });
    return this.connecting;
  }

  /** Sends one request; `done` gets the response or the error that ended the connection. */
  send(request: Buffer, done: ResponseCallback): void {
    if (this.callback !== undefined) throw new Error('one request at a time per connection');
    this.callback = done;
    if (this.socket !== undefined) {
      this.socket.write(request);
      return;
    }
    this.open().then(
      () => this.socket?.write(request),
      (error: Error) => this.finish(error),
    );
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    this.parser.reset();
    socket.on('data', (chunk: Buffer) => {
      let responses: HttpResponse[];
      try {
        responses = this.parser.push(chunk);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      for (const response of responses) {
        if (response.close) this.drop(socket);
        this.finish(response);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.drop(socket);
      this.finish(new Error('connection closed'));
    });
  }

  private drop(socket: Socket): void {
    if (this.socket === socket) {
      this.socket = undefined;
      socket.destroy();
    }
  }

  private finish(result: HttpResponse | Error): void {
    const callback = this.callback;
    if (callback === undefined) return;
    this.callback = undefined;
    callback(result);
  }
}
