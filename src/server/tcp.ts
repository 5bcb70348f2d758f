// TCP listeners (RFC 7766): 2-byte length framing, several queries per connection
// answered as they complete (possibly out of order), with limits so that no client
// can hold the server: open connections, in-flight queries per connection, time
// to finish a frame, idle time, and unread output.

import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { Dispatcher } from './dispatch.js';

export interface TcpLimits {
  maxConnections: number;
  /** Reading pauses while a connection has this many queries in flight. */
  maxInflightPerConnection: number;
  /** A connection with no query in flight and nothing received for this long is closed. */
  idleTimeoutMs: number;
  /** A frame must arrive whole within this time of its first byte (slowloris). */
  frameTimeoutMs: number;
  /** A client that does not read its answers is cut off past this many unsent bytes. */
  maxUnsentBytes: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  maxConnections: 1000,
  maxInflightPerConnection: 64,
  idleTimeoutMs: 10_000,
  frameTimeoutMs: 5_000,
  maxUnsentBytes: 1 << 20,
};

class Connection {
  private pending: Buffer | undefined;
  private inflight = 0;
  private frameTimer: NodeJS.Timeout | undefined;
  private readonly transport;

  constructor(private readonly socket: Socket, private readonly dispatcher: Dispatcher,
    private readonly limits: TcpLimits, localPort: number) {
    this.transport = {
      proto: 'tcp' as const, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, localPort,
    };
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => { if (this.inflight === 0) socket.destroy(); });
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => clearTimeout(this.frameTimer));
  }

  private onData(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (len === 0) { this.socket.destroy(); return; }
      if (buf.length < 2 + len) break;
      this.query(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
    }
    this.pending = buf.length > 0 ? Buffer.from(buf) : undefined;
    clearTimeout(this.frameTimer);
    if (this.pending) this.frameTimer = setTimeout(() => this.socket.destroy(), this.limits.frameTimeoutMs);
  }

  private query(frame: Buffer): void {
    if (++this.inflight >= this.limits.maxInflightPerConnection) this.socket.pause();
    let answered = false;
    const done = (): void => {
      if (answered) return;
      answered = true;
      if (this.inflight-- === this.limits.maxInflightPerConnection) this.socket.resume();
    };
    const replies = this.dispatcher.handle(frame, this.transport, (reply) => {
      done();
      if (this.socket.destroyed) return;
      if (this.socket.writableLength > this.limits.maxUnsentBytes) { this.socket.destroy(); return; }
      const out = Buffer.allocUnsafe(reply.length + 2);
      out.writeUInt16BE(reply.length, 0);
      reply.copy(out, 2);
      this.socket.write(out);
    });
    if (!replies) done();
  }

  close(): void {
    this.socket.destroy();
  }
}

export class TcpListener {
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();

  constructor(readonly host: string, readonly port: number, private readonly dispatcher: Dispatcher,
    private readonly log: Logger, private readonly limits: TcpLimits = DEFAULT_TCP_LIMITS) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      const conn = new Connection(socket, this.dispatcher, this.limits, this.boundPort);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
    server.maxConnections = this.limits.maxConnections;
    server.on('error', (err) => this.log.warn({ err }, 'tcp listener error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.port, host: this.host, ipv6Only: this.host.includes(':') }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  get boundPort(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : this.port;
  }

  /** Stops accepting connections; open ones keep being served until closeConnections(). */
  stopAccepting(): void {
    this.server?.close();
  }

  closeConnections(): void {
    for (const c of this.connections) c.close();
    this.connections.clear();
  }
}
