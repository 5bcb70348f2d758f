// The UDP listener's handling of what no userspace client can send: a datagram
// from source port 0 (a spoofing tell, and unanswerable) is dropped before parsing.
// The kernel delivers such datagrams, but sockets cannot send from port 0, so the
// test hands the listener's socket a 'message' event as the kernel would.

import { expect } from 'chai';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { buildQuery } from '../../src/dns/query.js';
import { rootLogger } from '../../src/log.js';
import type { Dispatcher } from '../../src/server/dispatch.js';
import { UdpListener } from '../../src/server/udp.js';

/** Records the packets handed to it and answers each with its own bytes. */
function echoDispatcher(seen: Buffer[]): Dispatcher {
  const handle = (raw: Buffer, _t: unknown, send: (reply: Buffer) => void): boolean => {
    seen.push(raw);
    send(raw);
    return true;
  };
  return { handle } as unknown as Dispatcher;
}

function rinfo(port: number, size: number): RemoteInfo {
  return { address: '127.0.0.1', family: 'IPv4', port, size };
}

describe('UDP listener', () => {
  it('drops a datagram from source port 0 and answers the same datagram from another port', async () => {
    const seen: Buffer[] = [];
    const listener = new UdpListener('127.0.0.1', 0, echoDispatcher(seen), rootLogger);
    await listener.listen();
    const client = createSocket('udp4');
    await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
    try {
      const socket = (listener as unknown as { socket: Socket }).socket;
      const packet = buildQuery('example.org.', 1, { id: 99 });
      socket.emit('message', packet, rinfo(0, packet.length));
      expect(seen).to.have.length(0);

      const reply = new Promise<Buffer>((resolve) => client.once('message', resolve));
      socket.emit('message', packet, rinfo(client.address().port, packet.length));
      expect(seen).to.have.length(1);
      expect(await reply).to.deep.equal(packet);
    } finally {
      client.close();
      await listener.close();
    }
  });
});
