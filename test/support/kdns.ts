// Starts a real kdns process for end-to-end tests and waits until it answers.

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildQuery } from '../../src/dns/query.js';

export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

/** A port free for both TCP and UDP on 127.0.0.1 and [::1]. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '0.0.0.0', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

export interface KdnsProcess {
  readonly port: number;
  readonly dir: string;
  readonly proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  /** Files written next to the Corefile (name -> content). */
  files?: Record<string, string>;
  /** Extra CLI arguments. */
  args?: string[];
  /** Node options before the script (e.g. `--expose-gc`). */
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait until this name answers over UDP (any rcode); default "." */
  probe?: string;
  port?: number;
}

function probeOnce(port: number, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => { s.close(); resolve(false); }, 200);
    s.on('message', () => { clearTimeout(timer); s.close(); resolve(true); });
    s.on('error', () => { clearTimeout(timer); s.close(); resolve(false); });
    s.send(buildQuery(name, 1), port, '127.0.0.1');
  });
}

export async function startKdns(corefile: string, opts: StartOptions = {}): Promise<KdnsProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kdns-test-'));
  for (const [name, content] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), content);
  writeFileSync(join(dir, 'Corefile'), corefile);
  const port = opts.port ?? await freePort();
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN, '-conf', join(dir, 'Corefile'), '-dns.port', String(port), ...(opts.args ?? [])], {
    cwd: dir, env: { ...process.env, KDNS_LOG_LEVEL: 'info', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => { dead = true; });
  const deadline = Date.now() + 15_000;
  while (!(await probeOnce(port, opts.probe ?? '.'))) {
    if (dead) throw new Error(`kdns exited at start: ${err || out}`);
    if (Date.now() > deadline) { proc.kill('SIGKILL'); throw new Error(`kdns did not answer on port ${port}: ${err || out}`); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port, dir, proc,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (!dead) proc.kill(signal);
      return exited;
    },
  };
}

/** Runs kdns to completion (for flags and start-up errors). */
export function runKdns(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}):
  Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [MAIN, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    proc.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 10_000);
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
