// UDP listeners: one socket per address family, each datagram one query.

import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from '../log.js';
import type { Dispatcher } from './dispatch.js';
import { Shedder } from './shed.js';

/**
 * The socket's receive buffer: room for about a second of queries at a few thousand
 * per second, so that a pause (a GC, a reload, a busy node) does not overflow it
 * and lose them. The kernel caps it at net.core.rmem_max (often 208 KiB).
 */
const RECV_BUFFER = 1 << 20;

export class UdpListener {
  private socket: Socket | undefined;
  /** Drops a flooding source's excess under saturation, so that others keep being answered. */
  private readonly shed: Shedder;

  constructor(readonly host: string, readonly port: number, private readonly dispatcher: Dispatcher,
    private readonly log: Logger) {
    // One line when shedding starts and one when it stops, never one per packet.
    this.shed = new Shedder((sources) => {
      if (sources) log.warn({ host, port, sources }, `udp ${host}:${port} saturated: shedding the excess of ${sources.join(', ')}`);
      else log.info({ host, port }, `udp ${host}:${port}: no longer shedding`);
    });
  }

  async listen(): Promise<void> {
    const v6 = this.host.includes(':');
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, recvBufferSize: RECV_BUFFER });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.port, this.host, () => { socket.off('error', reject); resolve(); });
    });
    // Send errors (an unreachable client, a full buffer) must not stop the listener.
    socket.on('error', (err) => this.log.warn({ err }, 'udp socket error'));
    const localPort = socket.address().port;
    socket.on('message', (msg, rinfo) => {
      // Port 0 cannot be answered (and is a spoofing tell): drop without reading further.
      if (rinfo.port === 0 || !this.shed.admit(rinfo.address)) return;
      const transport = { proto: 'udp' as const, remoteAddress: rinfo.address, remotePort: rinfo.port, localPort };
      this.dispatcher.handle(msg, transport, (reply) => { if (reply.length > 0) socket.send(reply, rinfo.port, rinfo.address); });
    });
    this.socket = socket;
  }

  get boundPort(): number {
    return this.socket?.address().port ?? this.port;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.shed.stop();
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
