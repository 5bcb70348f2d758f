// TCP listeners (RFC 7766): 2-byte length framing, several queries per connection
// answered as they complete (possibly out of order), with limits so that no client
// can hold the server: open connections, in-flight queries per connection, time
// to finish a frame, idle time, and unread output (bytes and time). The `timeouts`
// plugin sets the times per server block; each connection takes the limits in
// effect when it is accepted (so a reload's apply to new connections).

import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { Dispatcher } from './dispatch.js';

export interface TcpLimits {
  maxConnections: number;
  /** Reading pauses while a connection has this many queries in flight (or answers its client has not read). */
  maxInflightPerConnection: number;
  /** A connection with no query in flight and nothing received for this long is closed. */
  idleTimeoutMs: number;
  /** A frame must arrive whole within this time of its first byte (slowloris). */
  frameTimeoutMs: number;
  /** A client that does not read its answers is cut off past this many unsent bytes... */
  maxUnsentBytes: number;
  /** ...or when answers it was sent stay unread for this long. */
  writeTimeoutMs: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  maxConnections: 1000,
  maxInflightPerConnection: 64,
  idleTimeoutMs: 10_000,
  frameTimeoutMs: 5_000,
  maxUnsentBytes: 1 << 20,
  writeTimeoutMs: 5_000,
};

/** Limits for one port from the server blocks on it: each field the strictest any block sets, else the default. */
export function mergeLimits(parts: readonly (Partial<TcpLimits> | undefined)[]): TcpLimits {
  const out = { ...DEFAULT_TCP_LIMITS };
  for (const part of parts) {
    for (const [k, v] of Object.entries(part ?? {}) as [keyof TcpLimits, number][]) out[k] = Math.min(out[k], v);
  }
  return out;
}

class Connection {
  /** Bytes received and not yet taken as queries: a partial frame, or whole ones while reading is held. */
  private pending: Buffer | undefined;
  private inflight = 0;
  /** The client is not reading its answers: no more queries are taken until it does. */
  private blocked = false;
  /** Set while take() runs, so that an answer sent synchronously does not re-enter it. */
  private taking = false;
  private frameTimer: NodeJS.Timeout | undefined;
  private writeTimer: NodeJS.Timeout | undefined;
  private readonly transport;

  constructor(private readonly socket: Socket, private readonly dispatcher: Dispatcher,
    private readonly limits: TcpLimits, localPort: number) {
    this.transport = {
      proto: 'tcp' as const, remoteAddress: socket.remoteAddress ?? '', remotePort: socket.remotePort ?? 0, localPort,
    };
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => { if (this.inflight === 0) socket.destroy(); });
    socket.on('data', (chunk) => {
      this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      this.take();
    });
    socket.on('error', () => socket.destroy());
    socket.on('drain', () => {
      this.blocked = false;
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
      this.release();
    });
    socket.on('close', () => { clearTimeout(this.frameTimer); clearTimeout(this.writeTimer); });
  }

  /** Reading waits while the connection has its cap of queries in flight or unread answers. */
  private held(): boolean {
    return this.blocked || this.inflight >= this.limits.maxInflightPerConnection;
  }

  /** Takes whole frames off `pending` as queries while not held; times the partial frame left, if any. */
  private take(): void {
    this.taking = true;
    let buf = this.pending;
    let took = false;
    while (buf !== undefined && buf.length >= 2 && !this.held() && !this.socket.destroyed) {
      const len = buf.readUInt16BE(0);
      if (len === 0) { this.socket.destroy(); break; }
      if (buf.length < 2 + len) break;
      const frame = buf.subarray(2, 2 + len);
      buf = buf.length > 2 + len ? buf.subarray(2 + len) : undefined;
      took = true;
      this.query(frame);
    }
    this.taking = false;
    // A copy of what is left, so that a small rest does not keep a large chunk alive.
    this.pending = buf !== undefined && took ? Buffer.from(buf) : buf;
    if (this.held()) this.socket.pause();
    // Slowloris: the clock runs from the first byte of a partial frame; more bytes of the
    // same frame do not restart it, and it stops while kdns itself holds reading.
    const partial = buf !== undefined && (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0));
    if (!partial || took || this.held()) {
      clearTimeout(this.frameTimer);
      this.frameTimer = undefined;
    }
    if (partial && !this.held() && this.frameTimer === undefined) {
      this.frameTimer = setTimeout(() => this.socket.destroy(), this.limits.frameTimeoutMs);
    }
  }

  /** Reading may go on: resume the socket and take what is already pending. */
  private release(): void {
    if (this.held() || this.taking || this.socket.destroyed) return;
    this.socket.resume();
    this.take();
  }

  private query(frame: Buffer): void {
    this.inflight++;
    let answered = false;
    const done = (): void => {
      if (answered) return;
      answered = true;
      if (this.inflight-- === this.limits.maxInflightPerConnection) this.release();
    };
    const replies = this.dispatcher.handle(frame, this.transport, (reply) => {
      done();
      if (reply.length === 0 || this.socket.destroyed) return;
      if (this.socket.writableLength > this.limits.maxUnsentBytes) { this.socket.destroy(); return; }
      const out = Buffer.allocUnsafe(reply.length + 2);
      out.writeUInt16BE(reply.length, 0);
      reply.copy(out, 2);
      // Past the high-water mark: no more queries until the client reads, and it must within the write timeout.
      if (!this.socket.write(out) && !this.blocked) {
        this.blocked = true;
        this.socket.pause();
        this.writeTimer = setTimeout(() => this.socket.destroy(), this.limits.writeTimeoutMs);
      }
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
    private readonly log: Logger) {}

  async listen(): Promise<void> {
    const server = createServer((socket) => {
      const conn = new Connection(socket, this.dispatcher, this.dispatcher.tcpLimits, this.boundPort);
      this.connections.add(conn);
      socket.on('close', () => this.connections.delete(conn));
    });
    // Past the cap the kernel still completes handshakes; Node closes those connections at once.
    server.maxConnections = this.dispatcher.tcpLimits.maxConnections;
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
