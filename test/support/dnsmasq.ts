// A real upstream for forward tests: dnsmasq (Debian dnsmasq-base, installed by
// scripts/test-tools.sh) on 127.0.0.1:<port>, answering from its command line
// only. It can be made slow (SIGSTOP), down (killed) and back (started again on
// the same port), and its query log tells which upstream got which query.

import { spawn, type ChildProcess } from 'node:child_process';
import { buildQuery } from '../../src/dns/query.js';
import { rawUdp } from './dns.js';
import { freePort } from './kdns.js';

export interface DnsmasqOptions {
  /** Extra dnsmasq arguments: --address=/x/1.2.3.4, --host-record=..., --txt-record=... */
  args?: string[];
  port?: number;
  /** TTL of the answers it gives from its configuration (dnsmasq's default is 0). */
  ttl?: number;
  /** Log queries (to count them with queries()). Default true. */
  logQueries?: boolean;
}

/** `count` TXT records of 200 bytes on `name`: an answer too big for 512 or 1232 bytes of UDP. */
export function bigTxt(name: string, count = 10): string[] {
  return Array.from({ length: count }, (_, i) => `--txt-record=${name},${String.fromCharCode(97 + i).repeat(200)}`);
}

/** Process groups still running: killed when the test process exits, whatever happened (they are detached). */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

export class Dnsmasq {
  private proc: ChildProcess | undefined;
  private log = '';

  private constructor(readonly port: number, private readonly argv: string[]) {}

  static async start(opts: DnsmasqOptions = {}): Promise<Dnsmasq> {
    const port = opts.port ?? await freePort();
    const argv = [
      '--keep-in-foreground', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--pid-file=',
      `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--log-facility=-',
      `--local-ttl=${opts.ttl ?? 300}`, ...(opts.logQueries === false ? [] : ['--log-queries']), ...(opts.args ?? []),
    ];
    const d = new Dnsmasq(port, argv);
    await d.run();
    return d;
  }

  /** Starts (again) on the same port and waits until it answers. */
  async run(): Promise<void> {
    // Its own process group: TCP queries are served by forked children, killed with it.
    const proc = spawn('dnsmasq', this.argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    proc.stderr!.on('data', (d: Buffer) => { this.log += d.toString(); });
    this.proc = proc;
    running.add(proc.pid!);
    const exited = new Promise<void>((resolve) => proc.once('exit', () => { running.delete(proc.pid!); resolve(); }));
    let dead = false;
    void exited.then(() => { dead = true; });
    const deadline = Date.now() + 10_000;
    while (!(await rawUdp(this.port, buildQuery('.', 2, { id: 1 }), { timeoutMs: 200 }))) {
      if (dead) throw new Error(`dnsmasq exited at start: ${this.log}`);
      if (Date.now() > deadline) throw new Error(`dnsmasq did not answer on port ${this.port}: ${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGSTOP: it receives but does not answer (a slow or hung upstream). */
  pause(): void {
    this.signal('SIGSTOP');
  }

  resume(): void {
    this.signal('SIGCONT');
  }

  /** Kills it (and its TCP children): the port is closed, queries get ICMP unreachable. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    await exited;
  }

  /** How many queries for `name` (any case; and `type`, e.g. "A") it logged. */
  queries(name: string, type?: string): number {
    const escaped = name.replace(/\.$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.logged(new RegExp(`query\\[${type ?? '[A-Z0-9]+'}\\] ${escaped} from`, 'gi'));
  }

  /** How many log lines match `re` (with the g flag). */
  logged(re: RegExp): number {
    return [...this.log.matchAll(re)].length;
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.proc?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  }
}
