// A few connected UDP sockets per upstream, shared by every query to it (not a
// socket per query). Connected, so the kernel hands us only the upstream's
// datagrams and reports an ICMP "port unreachable" as ECONNREFUSED: a dead
// upstream on a reachable host fails at once instead of at the timeout.

import { createSocket, type Socket } from 'node:dgram';
import type { UpstreamAddress } from './config.js';
import { Pending, type ReplyCallback, type Ticket } from './pending.js';

/** Sockets per upstream: several source ports and receive buffers, few enough to be cheap. */
export const UDP_SOCKETS = 4;

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

class UdpChannel {
  private readonly socket: Socket;
  private readonly pending = new Pending();
  private connected = false;
  private queue: Buffer[] = [];
  /** Sends since the last idle sweep. */
  sends = 0;
  closed = false;

  constructor(addr: UpstreamAddress, private readonly onGone: (c: UdpChannel) => void) {
    this.socket = createSocket(addr.host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('message', (msg) => this.pending.settle(msg));
    this.socket.on('error', (err) => this.onError(err));
    // On failure Node calls this with the error (its types do not say so) instead of emitting 'error'.
    this.socket.connect(addr.port, addr.host, (err?: Error) => {
      if (err) { this.close(); return; }
      this.connected = true;
      for (const b of this.queue) this.socket.send(b);
      this.queue = [];
    });
  }

  get idle(): boolean {
    return this.pending.size === 0;
  }

  send(query: Buffer, qEnd: number, cb: ReplyCallback): Ticket {
    this.sends++;
    const { out, ticket } = this.pending.add(query, qEnd, cb, 0);
    if (this.connected) this.socket.send(out);
    else this.queue.push(out);
    return ticket;
  }

  /**
   * An ICMP error (port or host unreachable) arrives on the socket, not on one
   * query: every query in flight on it went to the same upstream, so all of them
   * fail. Other errors (a full send buffer) leave the queries to their timeouts.
   * A socket that cannot even be set up is dropped.
   */
  private onError(err: NodeJS.ErrnoException): void {
    if (!this.connected) { this.close(); return; }
    if (UNREACHABLE.has(err.code ?? '')) this.pending.failAll(err);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.failAll(new Error('upstream socket closed'));
    this.socket.close();
    this.onGone(this);
  }
}

export class UdpPool {
  private readonly channels: (UdpChannel | undefined)[] = new Array(UDP_SOCKETS);
  private turn = 0;

  constructor(private readonly addr: UpstreamAddress) {}

  send(query: Buffer, qEnd: number, cb: ReplyCallback): Ticket {
    const i = this.turn;
    this.turn = (i + 1) % UDP_SOCKETS;
    let c = this.channels[i];
    if (c === undefined) {
      c = new UdpChannel(this.addr, (gone) => { if (this.channels[i] === gone) this.channels[i] = undefined; });
      this.channels[i] = c;
    }
    return c.send(query, qEnd, cb);
  }

  /** Closes sockets that carried nothing since the last sweep (`expire`). */
  sweep(): void {
    for (const c of this.channels) {
      if (c === undefined) continue;
      if (c.sends === 0 && c.idle) c.close();
      c.sends = 0;
    }
  }

  close(): void {
    for (const c of this.channels) c?.close();
  }

  /** Sockets open now (for tests and metrics). */
  get open(): number {
    return this.channels.filter((c) => c !== undefined).length;
  }
}
