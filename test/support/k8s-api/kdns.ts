// A kdns process in "a pod" talking to the emulator: the in-cluster path, with the
// service account's token and CA in a temporary directory (KDNS_SERVICEACCOUNT_DIR),
// and answers read back in a compact form for tests.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rcodeName } from '../../../src/dns/constants.js';
import { recordText } from '../../../src/dns/records.js';
import { query } from '../dns.js';
import { startKdns, type KdnsProcess } from '../kdns.js';
import type { ApiEmulator } from './server.js';

/** Short timings, so faults heal within a test's time; bookmarks come more often than the watchdog fires. */
export const FAST_TIMINGS: NodeJS.ProcessEnv = {
  KDNS_K8S_IDLE_TIMEOUT: '1s', KDNS_K8S_BACKOFF_BASE: '20ms', KDNS_K8S_BACKOFF_MAX: '200ms',
};

export interface InCluster {
  readonly kdns: KdnsProcess;
  /** The service account directory: `token` and `ca.crt`. */
  readonly saDir: string;
  rotateToken(token: string): void;
}

/** Starts kdns with the in-cluster environment of a pod whose API server is `api` (HTTPS). */
export async function startInCluster(api: ApiEmulator, corefile: string, token: string,
  opts: { env?: NodeJS.ProcessEnv; probe?: string; nodeArgs?: string[] } = {}): Promise<InCluster> {
  const saDir = mkdtempSync(join(tmpdir(), 'kdns-sa-'));
  writeFileSync(join(saDir, 'token'), token);
  writeFileSync(join(saDir, 'ca.crt'), api.ca ?? '');
  const kdns = await startKdns(corefile, {
    probe: opts.probe,
    nodeArgs: opts.nodeArgs,
    env: {
      KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.listenPort), KDNS_SERVICEACCOUNT_DIR: saDir,
      ...FAST_TIMINGS, ...opts.env,
    },
  });
  return { kdns, saDir, rotateToken: (t) => writeFileSync(join(saDir, 'token'), t) };
}

/** "RCODE data data..." with the record data sorted, e.g. "NOERROR 10.0.0.1 10.0.0.2" or "NXDOMAIN". */
export async function answer(port: number, qname: string, qtype = 'A'): Promise<string> {
  const msg = await query(port, qname, qtype);
  const data = msg.answer.map((r) => recordText(r).split(/\s+/).slice(4).join(' ')).sort();
  return [rcodeName(msg.rcode), ...data].join(' ');
}

/** Polls until `qname` answers `want` (as answer() writes it). */
export async function answersSoon(port: number, qname: string, want: string, qtype = 'A', timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let got = '';
  while (Date.now() < deadline) {
    got = await answer(port, qname, qtype);
    if (got === want) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${qname} ${qtype}: still '${got}' after ${timeoutMs} ms, want '${want}'`);
}

/**
 * Queries names that exist throughout a test, over UDP, one after the other, and
 * keeps every answer that differs from the expected one (an empty answer, an
 * NXDOMAIN, a SERVFAIL, a timeout).
 */
export class AnswerMonitor {
  readonly wrong: string[] = [];
  queries = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(port: number, expected: Readonly<Record<string, string>>) {
    this.loop = (async () => {
      while (this.running) {
        for (const [qname, want] of Object.entries(expected)) {
          let got: string;
          try {
            got = await answer(port, qname);
          } catch (err) {
            got = (err as Error).message;
          }
          this.queries++;
          if (got !== want) this.wrong.push(`${qname}: '${got}', want '${want}'`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
