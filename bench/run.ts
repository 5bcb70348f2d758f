// `npm run bench`: dnsperf against kdns and, in the same run, against the raw
// dgram echo ceiling; prints qps, latency and the ratio to the ceiling.
// Options: --seconds N (default 8), --only NAME (one class).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/kdns.js';
import { ensureDnsperf, runDnsperf, type PerfResult } from './dnsperf.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const MAIN = resolve(here, '../src/main.js');
const ECHO = resolve(here, 'echo.js');
const WORK = resolve(here, '../../.bench');

interface BenchClass {
  name: string;
  corefile: string;
  /** dnsperf query lines: "name TYPE". */
  queries: string[];
}

const CLASSES: BenchClass[] = [
  { name: 'whoami A', corefile: 'example.org {\n  whoami\n}\n', queries: ['example.org A'] },
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Starts a server pinned to core 1 and resolves once it prints or answers. */
async function startPinned(args: string[], readyText: string): Promise<ChildProcess> {
  const p = spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let out = '';
    const onData = (d: Buffer): void => { out += d.toString(); if (out.includes(readyText)) ok(); };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
    p.on('exit', (code) => fail(new Error(`server exited (${code}): ${out}`)));
  });
  return p;
}

async function stop(p: ChildProcess): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
}

function line(name: string, r: PerfResult, ceiling?: number): string {
  const ratio = ceiling ? (r.qps / ceiling).toFixed(2) : '1.00';
  return `${name.padEnd(28)} ${r.qps.toFixed(0).padStart(9)} qps  avg ${r.avgLatencyMs.toFixed(3)} ms  lost ${r.lost}  ratio ${ratio}`;
}

async function main(): Promise<void> {
  ensureDnsperf();
  mkdirSync(WORK, { recursive: true });
  const seconds = Number(arg('seconds', '8'));
  const only = arg('only', '');
  process.stdout.write(`node ${process.version}, dnsperf -c 4 -q 500 on core 0, server on core 1, ${seconds}s per run\n`);
  for (const c of CLASSES.filter((k) => !only || k.name.includes(only))) {
    const queryFile = join(WORK, `${c.name.replace(/\W+/g, '_')}.txt`);
    writeFileSync(queryFile, c.queries.join('\n') + '\n');
    const echoPort = await freePort();
    const echo = await startPinned([ECHO, String(echoPort)], 'ready');
    const ceiling = await runDnsperf(echoPort, queryFile, seconds);
    await stop(echo);
    const dir = join(WORK, 'conf');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Corefile'), c.corefile);
    const port = await freePort();
    const kdns = await startPinned([MAIN, '-conf', join(dir, 'Corefile'), '-dns.port', String(port)], 'serving');
    const result = await runDnsperf(port, queryFile, seconds);
    await stop(kdns);
    process.stdout.write(`${line('echo ceiling', ceiling)}\n${line(`kdns ${c.name}`, result, ceiling.qps)}\n`);
  }
}

await main();
