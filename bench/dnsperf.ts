// Runs dnsperf (Debian package `dnsperf`, installed on first use) and reads its summary.

import { execFileSync, spawn } from 'node:child_process';

export interface PerfResult {
  qps: number;
  avgLatencyMs: number;
  completedPct: number;
  lost: number;
}

export function ensureDnsperf(): void {
  try {
    execFileSync('dnsperf', ['-h'], { stdio: 'ignore' });
  } catch {
    process.stderr.write('installing dnsperf (apt-get)...\n');
    execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq dnsperf'], { stdio: 'inherit' });
  }
}

/** dnsperf on core 0 (the server runs on core 1): `seconds` of queries from `file`. */
export function runDnsperf(port: number, file: string, seconds: number, extra: string[] = []): Promise<PerfResult> {
  const args = ['-c', '0', 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds),
    '-c', '4', '-q', '500', '-t', '2', ...extra];
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('exit', () => {
      const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
      const qps = num(/Queries per second:\s+([\d.]+)/);
      if (Number.isNaN(qps)) { reject(new Error(`dnsperf failed:\n${out}`)); return; }
      resolve({
        qps,
        avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
        completedPct: num(/Queries completed:\s+\d+ \(([\d.]+)%\)/),
        lost: num(/Queries lost:\s+(\d+)/),
      });
    });
  });
}
