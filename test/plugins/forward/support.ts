// In-process forward for tests: the plugin set up from a Corefile line, asked
// through its handler, its answer encoded for the client as the server would.

import { pino } from 'pino';
import { Rcode } from '../../../src/dns/constants.js';
import { decodeMessage, type Message } from '../../../src/dns/decode.js';
import { encodeEmpty, encodeResponse, fitUdp } from '../../../src/dns/encode.js';
import { Response, type Proto, type Request } from '../../../src/dns/message.js';
import { makeRequest, type QueryOptions } from '../../../src/dns/query.js';
import { rcodeOf } from '../../../src/errors.js';
import { Forward } from '../../../src/plugins/forward/forward.js';
import { parse } from '../../../src/plugins/forward/setup.js';
import type { Next } from '../../../src/plugins/plugin.js';
import { testCtx } from '../../support/chain.js';
import { qtypeOf } from '../../support/dns.js';
import { line } from '../../support/lines.js';

/** Tests look at counters, not at warnings. */
const quiet = pino({ level: 'silent' });

/** A Forward from a Corefile line (close() it after the test). */
export function setupForward(corefile: string): Forward {
  return new Forward(parse(line(corefile)), quiet);
}

/** What the next plugin answers in these tests: an empty NOERROR, told apart by AA=1. */
export function nextAnswer(): Response {
  const r = new Response(Rcode.NOERROR);
  r.authoritative = true;
  return r;
}

export interface Asked {
  /** The client's decoded answer (after fitUdp over UDP). */
  msg: Message;
  resp: Response | undefined;
  ms: number;
  req: Request;
}

export interface AskOptions extends QueryOptions {
  proto?: Proto;
  next?: Next;
}

let nextId = 100;

export async function ask(fwd: Forward, qname: string, qtype: string, opts: AskOptions = {}): Promise<Asked> {
  const proto = opts.proto ?? 'udp';
  const req = makeRequest(qname, qtypeOf(qtype), { id: (nextId = (nextId + 1) & 0xffff), ...opts },
    { proto, remoteAddress: '127.0.0.1', remotePort: 40000, localPort: 53 });
  const next: Next = opts.next ?? (() => Promise.resolve(nextAnswer()));
  const t0 = performance.now();
  let wire: Buffer;
  let resp: Response | undefined;
  try {
    const answered = await fwd.serve(testCtx, req, next);
    resp = answered;
    wire = encodeResponse(answered, req);
  } catch (err) {
    wire = encodeEmpty(req, rcodeOf(err));
  }
  const ms = performance.now() - t0;
  return { msg: decodeMessage(proto === 'udp' ? fitUdp(wire, req) : wire), resp, ms, req };
}

/** The text of the first TXT record of an answer ("a" or "b": which upstream answered). */
export function txt(msg: Message): string | undefined {
  const r = msg.answer.find((x) => 'text' in x);
  return r && 'text' in r ? r.text.join('') : undefined;
}

/** Polls `cond` every 20 ms until true or `ms` passed. */
export async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
