// Runs dnsperf (Debian package `dnsperf`, installed on first use) on core 0 (the
// server runs on core 1): the peak, from its summary, and the latency at a fixed
// rate, from its per-query lines (`-v`), since dnsperf 2.10 prints only an average.

import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PerfResult {
  qps: number;
  avgLatencyMs: number;
  lost: number;
}

export interface LatencyResult {
  /** Queries sent. */
  sent: number;
  /** Of them, unanswered within dnsperf's timeout: counted as the slowest in the percentiles. */
  lost: number;
  p50: number;
  p99: number;
  p999: number;
}

export function ensureDnsperf(): void {
  try {
    execFileSync('dnsperf', ['-h'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('installing dnsperf (apt-get)...\n');
    execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq dnsperf'], { stdio: 'inherit' });
  }
}

function dnsperfArgs(port: number, file: string, seconds: number, extra: readonly string[]): string[] {
  return ['-c', '0', 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-t', '2', ...extra];
}

/** The peak: as many queries as 4 sockets with 500 in flight get answered in `seconds`. */
export function runDnsperf(port: number, file: string, seconds: number, extra: readonly string[] = []): Promise<PerfResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', dnsperfArgs(port, file, seconds, ['-c', '4', '-q', '500', ...extra]), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('error', reject);
    // 'close', not 'exit': the summary may still be in the pipes when the process exits.
    p.on('close', () => {
      const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
      const qps = num(/Queries per second:\s+([\d.]+)/);
      if (Number.isNaN(qps)) { reject(new Error(`dnsperf failed:\n${out}`)); return; }
      resolve({ qps, avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000, lost: num(/Queries lost:\s+(\d+)/) });
    });
  });
}

/**
 * Latency at `qps` (dnsperf -Q paces the sends): percentiles of every query's
 * time as dnsperf's `-v` lines give it ("> NOERROR name A 0.000054"), in ms; a
 * query with no answer ("> T name A") counts as infinitely slow. The lines go to a
 * file and are read once dnsperf is done, so that reading them takes no CPU from
 * the server while it is measured.
 */
export async function runDnsperfLatency(port: number, file: string, seconds: number, qps: number,
  extra: readonly string[] = []): Promise<LatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kdns-bench-'));
  const out = join(dir, 'dnsperf-v.txt');
  try {
    const fd = openSync(out, 'w');
    const args = dnsperfArgs(port, file, seconds, ['-c', '4', '-q', '500', '-Q', String(Math.round(qps)), '-v', ...extra]);
    await new Promise((resolve, reject) => spawn('taskset', args, { stdio: ['ignore', fd, 'ignore'] }).on('exit', resolve).on('error', reject));
    closeSync(fd);
    const times: number[] = [];
    for (const l of readFileSync(out, 'latin1').split('\n')) {
      if (l.startsWith('> ')) times.push(l.startsWith('> T ') ? Infinity : Number(l.slice(l.lastIndexOf(' ') + 1)) * 1000);
    }
    if (times.length === 0) throw new Error('dnsperf -v timed no query');
    const sorted = Float64Array.from(times).sort();
    const at = (pct: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * pct) / 100))]!;
    const lost = times.filter((t) => t === Infinity).length;
    return { sent: sorted.length, lost, p50: at(50), p99: at(99), p999: at(99.9) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
