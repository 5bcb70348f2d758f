// One TCP connection per upstream, reused by every query that goes over TCP
// (force_tcp, TCP clients, TC=1 retries) and pipelined (RFC 7766 6.2.1.1):
// queries go out as they come and replies are matched by ID, in any order.

import { connect, type Socket } from 'node:net';
import type { UpstreamAddress } from './config.js';
import { ClosedError, Pending, type ReplyCallback, type Ticket } from './pending.js';

/** Queries abandoned in a row, with nothing received meanwhile, after which a connection is dropped. */
const MAX_ABANDONED = 8;

class TcpChannel {
  private readonly socket: Socket;
  private readonly pending = new Pending();
  private buf: Buffer | undefined;
  /** Queries written, ever; and since the last idle sweep. */
  private written = 0;
  sends = 0;
  closed = false;
  /** Queries given up on (timed out) since the last frame arrived. */
  private abandoned = 0;

  constructor(addr: UpstreamAddress, private readonly onGone: (c: TcpChannel) => void) {
    this.socket = connect({ host: addr.host, port: addr.port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', () => { /* 'close' follows and fails what is in flight */ });
    this.socket.on('close', () => this.close());
  }

  get idle(): boolean {
    return this.pending.size === 0;
  }

  send(query: Buffer, qEnd: number, cb: ReplyCallback): Ticket {
    const reused = this.written > 0;
    this.written++;
    this.sends++;
    // A close before the reply fails the query with ClosedError(reused), once.
    const { out, ticket } = this.pending.add(query, qEnd, (err, reply) => {
      cb(err instanceof ClosedError ? new ClosedError(reused) : err, reply);
    }, 2);
    out.writeUInt16BE(query.length, 0);
    this.socket.write(out);
    return {
      cancel: () => {
        ticket.cancel();
        // A connection that answers nothing any more (a peer gone without a reset) is not reused forever.
        if (++this.abandoned >= MAX_ABANDONED) this.close();
      },
    };
  }

  private onData(chunk: Buffer): void {
    this.abandoned = 0;
    let buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const len = buf.readUInt16BE(0);
      this.pending.settle(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
    }
    this.buf = buf.length > 0 ? Buffer.from(buf) : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.pending.failAll(new ClosedError(false));
    this.onGone(this);
  }
}

export class TcpPool {
  private channel: TcpChannel | undefined;
  /** Connections opened, ever (for tests and metrics: reuse shows as few opens). */
  opened = 0;

  constructor(private readonly addr: UpstreamAddress) {}

  send(query: Buffer, qEnd: number, cb: ReplyCallback): Ticket {
    let c = this.channel;
    if (c === undefined) {
      this.opened++;
      c = new TcpChannel(this.addr, (gone) => { if (this.channel === gone) this.channel = undefined; });
      this.channel = c;
    }
    return c.send(query, qEnd, cb);
  }

  /** Closes the connection if it carried nothing since the last sweep (`expire`). */
  sweep(): void {
    const c = this.channel;
    if (c === undefined) return;
    if (c.sends === 0 && c.idle) c.close();
    c.sends = 0;
  }

  close(): void {
    this.channel?.close();
  }
}
