// `npm run bench`: dnsperf against kdns and, in the same run, against the raw
// dgram echo ceiling; prints qps, latency and the ratio to the ceiling, and for the
// large state the start-to-ready time and RSS.
// Latency (p50/p99) comes from bench/latency.ts at half of each server's peak.
// Options: --seconds N (default 8), --only TEXT (classes whose name contains it),
// --no-large (skip the 5,000 services / 50,000 pods state), --workers N (kdns runs
// `-workers N` on both cores instead of one process on core 1: see docs/performance.md).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/kdns.js';
import { classes, type BenchClass } from './classes.js';
import { ensureDnsperf, runDnsperf, type PerfResult } from './dnsperf.js';
import type { LatencyResult } from './latency.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(here, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');
const ECHO = join(here, 'echo.js');
const LATENCY = join(here, 'latency.js');
/** EDNS0 buffer size of the latency generator's queries for classes with big answers. */
const EDNS_SIZE = 1232;
const WORK = join(ROOT, '.bench');
const LARGE = join(WORK, 'fixture-5k-50k.json');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/**
 * Node flags as the kdns bin and the image run it: a 1 MB young generation keeps
 * the heap V8 grows while loading a large state from staying resident.
 */
const NODE_FLAGS = ['--max-semi-space-size=1'];

/** Starts a node server pinned to core 1; resolves once it prints `readyText`, with the time that took. */
function startPinned(args: string[], readyText: string, env: NodeJS.ProcessEnv = process.env): Promise<{ proc: ChildProcess; ms: number }> {
  return startOnCore(1, process.execPath, [...NODE_FLAGS, ...args], readyText, env);
}

async function startOnCore(core: number | string, command: string, args: string[], readyText: string,
  env: NodeJS.ProcessEnv = process.env): Promise<{ proc: ChildProcess; ms: number }> {
  const t0 = process.hrtime.bigint();
  const proc = spawn('taskset', ['-c', String(core), command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  await new Promise<void>((ok, fail) => {
    let out = '';
    const onData = (d: Buffer): void => { out += d.toString(); if (out.includes(readyText)) ok(); };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => fail(new Error(`server exited (${code}): ${out}`)));
  });
  return { proc, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The RSS of `pid` and its children (the workers), MB. */
function rssTree(pid: number): number {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { /* gone */ }
  return rssMb(pid) + children.reduce((sum, c) => sum + rssTree(c), 0);
}

/** Kills `p` (SIGKILL; a primary with workers gets SIGTERM so that it stops them). */
async function stop(p: ChildProcess, graceful = false): Promise<void> {
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(graceful ? 'SIGTERM' : 'SIGKILL');
  await exited;
}

function summary(): string {
  const head = `${'class'.padEnd(44)} ${'kdns qps'.padStart(9)} ${'echo qps'.padStart(9)} ratio  p50 ms  p99 ms  ready ms  RSS MB`;
  const body = rows.map((r) => `${r.name.padEnd(44)} ${r.qps.toFixed(0).padStart(9)} ${r.ceiling.toFixed(0).padStart(9)} ` +
    `${(r.qps / r.ceiling).toFixed(2).padStart(5)}  ${r.p50.toFixed(3).padStart(6)}  ${r.p99.toFixed(3).padStart(6)}  ` +
    `${r.ready.toFixed(0).padStart(8)}  ${r.rss.toFixed(1).padStart(6)}`);
  return [head, ...body].join('\n');
}

/** The latency generator on core 0 at `qps` for `seconds`. */
function runLatency(port: number, qps: number, seconds: number, file: string, edns: boolean): Promise<LatencyResult> {
  const args = ['-c', '0', process.execPath, LATENCY, String(port), String(Math.round(qps)), String(seconds), file,
    ...(edns ? [String(EDNS_SIZE)] : [])];
  return new Promise((ok, fail) => {
    const p = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('exit', (code) => {
      try { ok(JSON.parse(out) as LatencyResult); } catch { fail(new Error(`latency generator failed (${code}): ${out}`)); }
    });
  });
}

function line(name: string, r: PerfResult, ceiling: number, lat?: LatencyResult): string {
  const l = lat ? `  p50 ${lat.p50.toFixed(3)} p99 ${lat.p99.toFixed(3)} ms @${(lat.sent / 1000).toFixed(0)}k` : '';
  return `${name.padEnd(44)} ${r.qps.toFixed(0).padStart(7)} qps  avg ${r.avgLatencyMs.toFixed(3)} ms  ` +
    `lost ${String(r.lost).padStart(4)}  ratio ${(r.qps / ceiling).toFixed(2)}${l}`;
}

interface Row { name: string; qps: number; ceiling: number; p50: number; p99: number; ready: number; rss: number }
const rows: Row[] = [];

async function measure(c: BenchClass, seconds: number, workers: number): Promise<void> {
  const dir = join(WORK, c.name.replace(/\W+/g, '_'));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'Corefile'), c.corefile);
  const queryFile = join(dir, 'queries.txt');
  writeFileSync(queryFile, c.queries().join('\n') + '\n');

  const echoPort = await freePort();
  const echo = await startPinned([ECHO, String(echoPort)], 'ready');
  const perfArgs = c.edns ? ['-e'] : [];
  const latSeconds = Math.min(seconds, 5);
  const ceiling = await runDnsperf(echoPort, queryFile, seconds, perfArgs);
  const echoLat = await runLatency(echoPort, ceiling.qps / 2, latSeconds, queryFile, c.edns ?? false);
  await stop(echo.proc);

  // An upstream is measured alone on the server core, then serves kdns from the dnsperf core.
  let direct: PerfResult | undefined;
  let upstream: ChildProcess | undefined;
  const env = { ...process.env };
  if (c.upstream) {
    const u = c.upstream;
    const alonePort = await freePort();
    const alone = await startOnCore(1, u.command, u.args(alonePort), u.readyText);
    direct = await runDnsperf(alonePort, queryFile, seconds, perfArgs);
    await stop(alone.proc);
    const upPort = await freePort();
    upstream = (await startOnCore(0, u.command, u.args(upPort), u.readyText)).proc;
    env.UPSTREAM = `127.0.0.1:${upPort}`;
  }

  const port = await freePort();
  try {
    const kdnsArgs = [MAIN, '-conf', join(dir, 'Corefile'), '-dns.port', String(port)];
    // With workers, the primary prints "serving" once every worker does.
    const kdns = workers > 1
      ? await startOnCore('0,1', process.execPath, [...NODE_FLAGS, ...kdnsArgs, '-workers', String(workers)], 'workers serving', env)
      : await startPinned(kdnsArgs, 'serving', env);
    const rssReady = rssTree(kdns.proc.pid!);
    const result = await runDnsperf(port, queryFile, seconds, perfArgs);
    const rssAfter = rssTree(kdns.proc.pid!);
    const lat = await runLatency(port, result.qps / 2, latSeconds, queryFile, c.edns ?? false);
    await stop(kdns.proc, workers > 1);
    process.stdout.write(`${line(`echo ceiling`, ceiling, ceiling.qps, echoLat)}\n${line(`kdns ${c.name}`, result, ceiling.qps, lat)}\n`);
    rows.push({ name: c.name, qps: result.qps, ceiling: ceiling.qps, p50: lat.p50, p99: lat.p99, ready: kdns.ms, rss: rssReady });
    if (c.upstream && direct) {
      process.stdout.write(`${line(`${c.upstream.name} direct`, direct, ceiling.qps)}\n` +
        `  kdns/${c.upstream.name} ${(result.qps / direct.qps).toFixed(2)} (kdns on core 1 with ${c.upstream.name} on core 0 beside dnsperf; ` +
        `${c.upstream.name} direct alone on core 1)\n`);
    }
    process.stdout.write(`  start-to-ready ${kdns.ms.toFixed(0)} ms, RSS ${rssReady.toFixed(1)} MB at ready, ${rssAfter.toFixed(1)} MB after the run\n`);
  } finally {
    // A kdns that fails to start must not leave the upstream running.
    if (upstream) await stop(upstream);
  }
}

async function main(): Promise<void> {
  ensureDnsperf();
  mkdirSync(WORK, { recursive: true });
  const seconds = Number(arg('seconds', '8'));
  const only = arg('only', '');
  const large = !process.argv.includes('--no-large');
  const workers = Number(arg('workers', '1'));
  if (large && !existsSync(LARGE)) {
    execFileSync(process.execPath, [join(here, 'gen-fixture.js'), '--services', '5000', '--pods', '50000', '--out', LARGE], { stdio: 'inherit' });
  }
  const fixtureYaml = readFileSync(join(ROOT, 'corefile-examples/fixture.yaml'), 'utf8');
  process.stdout.write(`node ${process.version}; dnsperf -c 4 -q 500 on core 0, each server alone on core 1` +
    `${workers > 1 ? ` (kdns: ${workers} workers on cores 0-1)` : ''}; ${seconds} s a run; ` +
    `p50/p99 from bench/latency.ts on core 0 at half the server's peak\n`);
  for (const c of classes(fixtureYaml, large ? LARGE : undefined).filter((k) => k.name.includes(only))) await measure(c, seconds, workers);
  process.stdout.write(`\n${summary()}\n`);
}

await main();
