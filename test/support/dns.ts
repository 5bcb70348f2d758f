// DNS clients for tests: raw UDP/TCP with our own codec, and dig.

import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { typeFromName } from '../../src/dns/constants.js';
import { decodeMessage, type Message } from '../../src/dns/decode.js';
import { buildQuery, type QueryOptions } from '../../src/dns/query.js';

export interface ClientOptions extends QueryOptions {
  tcp?: boolean;
  host?: string;
  timeoutMs?: number;
}

export function qtypeOf(qtype: string | number): number {
  if (typeof qtype === 'number') return qtype;
  const t = typeFromName(qtype);
  if (t === undefined) throw new Error(`unknown type ${qtype}`);
  return t;
}

/** Sends one datagram and resolves with the first reply, or null after the timeout. */
export function rawUdp(port: number, packet: Buffer, opts: { host?: string; timeoutMs?: number } = {}): Promise<Buffer | null> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { s.close(); resolve(null); }, opts.timeoutMs ?? 2000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m); });
    s.on('error', () => { clearTimeout(timer); s.close(); resolve(null); });
    s.send(packet, port, host);
  });
}

/**
 * Writes `data` on one TCP connection and collects `expect` framed replies
 * (fewer if the server closes or the timeout passes).
 */
export function rawTcp(port: number, data: Buffer | Buffer[], expect: number,
  opts: { host?: string; timeoutMs?: number } = {}): Promise<{ replies: Buffer[]; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(port, opts.host ?? '127.0.0.1');
    const replies: Buffer[] = [];
    let buf = Buffer.alloc(0);
    let closed = false;
    const finish = (): void => { clearTimeout(timer); sock.destroy(); resolve({ replies, closed }); };
    const timer = setTimeout(finish, opts.timeoutMs ?? 2000);
    sock.on('connect', () => { for (const d of Array.isArray(data) ? data : [data]) sock.write(d); });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (replies.length >= expect) finish();
    });
    sock.on('error', () => { closed = true; });
    sock.on('close', () => { closed = true; finish(); });
  });
}

export function frame(packet: Buffer): Buffer {
  const out = Buffer.alloc(packet.length + 2);
  out.writeUInt16BE(packet.length, 0);
  packet.copy(out, 2);
  return out;
}

let nextId = 1;

/** One query over UDP (default) or TCP, decoded. Rejects on timeout. */
export async function query(port: number, qname: string, qtype: string | number, opts: ClientOptions = {}): Promise<Message> {
  const id = opts.id ?? (nextId = (nextId + 1) & 0xffff);
  const packet = buildQuery(qname, qtypeOf(qtype), { ...opts, id });
  const reply = opts.tcp
    ? (await rawTcp(port, frame(packet), 1, opts)).replies[0]
    : await rawUdp(port, packet, opts);
  if (!reply) throw new Error(`no answer for ${qname} ${qtype} over ${opts.tcp ? 'tcp' : 'udp'}`);
  const msg = decodeMessage(reply);
  if (msg.id !== id) throw new Error(`answer has id ${msg.id}, want ${id}`);
  return msg;
}

/** Runs dig against 127.0.0.1:port; resolves with its stdout. */
export function dig(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('dig', ['@127.0.0.1', '-p', String(port), ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(`dig ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}
