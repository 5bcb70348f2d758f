// The ceiling: a raw node:dgram server that only flips the QR bit. No DNS server
// written in Node can answer faster than this on the same machine.
import { createSocket } from 'node:dgram';

const port = Number(process.argv[2]);
// The same receive buffer as kdns's UDP listener (src/server/udp.ts).
const socket = createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
socket.on('message', (msg, rinfo) => {
  if (msg.length < 12) return;
  msg[2]! |= 0x80;
  socket.send(msg, rinfo.port, rinfo.address);
});
socket.bind(port, '127.0.0.1', () => process.stdout.write('ready\n'));
