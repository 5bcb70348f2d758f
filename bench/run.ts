// `npm run bench`: dnsperf against kdns and, in the same run, against the raw
// dgram echo ceiling; prints qps, latency and the ratio to the ceiling, and the
// start-to-ready time and RSS.
// Both servers run side by side on core 1 and are measured in turns after a warm-up
// (echo, kdns, echo, kdns, ...): the medians of the turns are compared, so that the
// machine's drift reaches both alike. Latency (p50/p99) is dnsperf's own per-query
// times (-v) at half of each server's median peak (-Q), in turns too, medians.
// Options: --seconds N (a turn, default 4), --rounds N (turns each, default 3),
// --latency-qps N (latency at N qps for both servers instead of half of each peak),
// --baseline MAIN_JS (another build's dist/src/main.js, measured in the same turns:
// a before/after in one run), --only TEXT (classes whose name contains it), --no-large (skip the 5,000 services /
// 50,000 pods state), --workers N (kdns runs `-workers N` on both cores instead of
// one process on core 1: see docs/performance.md).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/kdns.js';
import { classes, type BenchClass } from './classes.js';
import { ensureDnsperf, runDnsperf, runDnsperfLatency, type LatencyResult, type PerfResult } from './dnsperf.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(here, '../..');
const MAIN = join(ROOT, 'dist/src/main.js');
const ECHO = join(here, 'echo.js');
/** How long a server may take to say it is ready. */
const START_TIMEOUT_MS = 60_000;
/** Seconds of queries that warm each server up (JIT, caches) before it is measured. */
const WARM_UP_SECONDS = 1;
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

/** The servers running, so that a bench stopped by a signal stops them too. */
const servers = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const p of servers) p.kill('SIGKILL');
    process.exit(1);
  });
}

async function startOnCore(core: number | string, command: string, args: string[], readyText: string,
  env: NodeJS.ProcessEnv = process.env): Promise<{ proc: ChildProcess; ms: number }> {
  const t0 = process.hrtime.bigint();
  const proc = spawn('taskset', ['-c', String(core), command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  servers.add(proc);
  proc.on('exit', () => servers.delete(proc));
  let out = '';
  try {
    await new Promise<void>((ok, fail) => {
      const onData = (d: Buffer): void => { out += d.toString(); if (out.includes(readyText)) ok(); };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.on('error', fail);
      proc.on('exit', (code) => fail(new Error(`server exited (${code}): ${out}`)));
      setTimeout(() => fail(new Error(`not ready after ${START_TIMEOUT_MS} ms: ${command} ${args.join(' ')}\n${out}`)), START_TIMEOUT_MS).unref();
    });
  } catch (err) {
    await stop(proc);
    throw err;
  }
  return { proc, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** A field of /proc/PID/status in MB (VmRSS; RssFile, the node binary's pages; RssAnon, the process's own). */
function statusMb(pid: number, field: 'VmRSS' | 'RssFile' | 'RssAnon'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** The RSS of `pid` and its children (the workers), MB. */
function rssTree(pid: number): number {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch { /* gone */ }
  return statusMb(pid, 'VmRSS') + children.reduce((sum, c) => sum + rssTree(c), 0);
}

/**
 * The RSS once the process has been idle long enough for V8 to give back what the
 * load and the run left (its memory reducer acts after some seconds idle): sampled
 * every second until it has not dropped for 12 samples (V8 waits about 8 s idle
 * before it shrinks the heap), at most 40 s.
 */
async function settledRss(pid: number): Promise<number> {
  let low = rssTree(pid);
  for (let steady = 0, i = 0; steady < 12 && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = rssTree(pid);
    if (now < low - 0.5) { low = now; steady = 0; } else steady++;
  }
  return low;
}

/** Kills `p` (SIGKILL; a primary with workers gets SIGTERM so that it stops them). */
async function stop(p: ChildProcess, graceful = false): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(graceful ? 'SIGTERM' : 'SIGKILL');
  await exited;
}

function summary(): string {
  const head = `${'class'.padEnd(44)} ${'kdns qps'.padStart(9)} ${'echo qps'.padStart(9)} ratio  p50 ms  p99 ms  echo p99  ready ms  RSS MB  settled` +
    (rows.some((r) => r.baseline !== undefined) ? '   base qps ratio  after/base' : '');
  const body = rows.map((r) => `${r.name.padEnd(44)} ${r.qps.toFixed(0).padStart(9)} ${r.ceiling.toFixed(0).padStart(9)} ` +
    `${r.ratio.toFixed(2).padStart(5)}  ${r.p50.toFixed(3).padStart(6)}  ${r.p99.toFixed(3).padStart(6)}  ${r.echoP99.toFixed(3).padStart(8)}  ` +
    `${r.ready.toFixed(0).padStart(8)}  ${r.rss.toFixed(1).padStart(6)}  ${r.settled.toFixed(1).padStart(7)}` +
    (r.baseline === undefined ? '' : `  ${r.baseline.qps.toFixed(0).padStart(9)} ${r.baseline.ratio.toFixed(2).padStart(5)} ${r.baseline.afterOverBase.toFixed(2).padStart(11)}`));
  return [head, ...body].join('\n');
}

/** The median. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The turn with the median qps. */
function medianTurn(turns: readonly PerfResult[]): PerfResult {
  return [...turns].sort((a, b) => a.qps - b.qps)[Math.floor(turns.length / 2)]!;
}

/** The median of a[i] / b[i]: turn i of both ran back to back, so each pair saw the same machine. */
function pairedRatio(a: readonly PerfResult[], b: readonly PerfResult[]): number {
  return median(a.map((t, i) => t.qps / b[i]!.qps));
}

/** Each percentile's median over the turns. */
function medianLatency(turns: readonly LatencyResult[]): LatencyResult {
  const mid = (f: (l: LatencyResult) => number): number => median(turns.map(f));
  return { sent: mid((l) => l.sent), lost: mid((l) => l.lost), p50: mid((l) => l.p50), p99: mid((l) => l.p99), p999: mid((l) => l.p999) };
}

function line(name: string, turns: readonly PerfResult[], ratio: number, lat?: LatencyResult): string {
  const r = medianTurn(turns);
  const l = lat ? `  p50 ${lat.p50.toFixed(3)} p99 ${lat.p99.toFixed(3)} p99.9 ${lat.p999.toFixed(3)} ms at ${(lat.sent / 1000).toFixed(0)}k sent` +
    `${lat.lost ? `, ${lat.lost} unanswered` : ''}` : '';
  return `${name.padEnd(44)} ${r.qps.toFixed(0).padStart(7)} qps (turns ${turns.map((t) => (t.qps / 1000).toFixed(1)).join(' ')}k)  ` +
    `lost ${String(r.lost).padStart(4)}  ratio ${ratio.toFixed(2)}${l}`;
}

interface Row {
  name: string; qps: number; ceiling: number; p50: number; p99: number; echoP99: number; ready: number; rss: number; settled: number;
  /** kdns qps / echo qps, paired by turn. */
  ratio: number;
  /** The baseline build (--baseline): its qps, its ratio to the echo, and kdns's to it, paired by turn. */
  baseline?: { qps: number; ratio: number; afterOverBase: number };
}
const rows: Row[] = [];

interface Options {
  seconds: number;
  rounds: number;
  workers: number;
  /** Latency at this rate for both servers, instead of half of each one's peak. */
  latencyQps?: number;
  /** Another build's dist/src/main.js, measured in the same turns: before/after in one run. */
  baseline?: string;
}

async function measure(c: BenchClass, o: Options): Promise<void> {
  const dir = join(WORK, c.name.replace(/\W+/g, '_'));
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'Corefile'), c.corefile);
  const queryFile = join(dir, 'queries.txt');
  writeFileSync(queryFile, c.queries().join('\n') + '\n');
  const perfArgs = c.edns ? ['-e'] : [];

  // An upstream is measured alone on the server core, then serves kdns from the dnsperf core.
  let direct: PerfResult | undefined;
  let upstream: ChildProcess | undefined;
  const env = { ...process.env };
  if (c.upstream) {
    const u = c.upstream;
    const alonePort = await freePort();
    const alone = await startOnCore(1, u.command, u.args(alonePort), u.readyText);
    try {
      await runDnsperf(alonePort, queryFile, WARM_UP_SECONDS, perfArgs);
      direct = await runDnsperf(alonePort, queryFile, o.seconds, perfArgs);
    } finally {
      await stop(alone.proc);
    }
    const upPort = await freePort();
    upstream = (await startOnCore(0, u.command, u.args(upPort), u.readyText)).proc;
    env.UPSTREAM = `127.0.0.1:${upPort}`;
  }

  let echo: ChildProcess | undefined;
  let kdnsProc: ChildProcess | undefined;
  let baseProc: ChildProcess | undefined;
  try {
    const echoPort = await freePort();
    echo = (await startPinned([ECHO, String(echoPort)], 'ready')).proc;
    const port = await freePort();
    const kdnsArgs = [MAIN, '-conf', join(dir, 'Corefile'), '-dns.port', String(port)];
    // With workers, the primary prints "serving" once every worker does.
    const kdns = o.workers > 1
      ? await startOnCore('0,1', process.execPath, [...NODE_FLAGS, ...kdnsArgs, '-workers', String(o.workers)], 'workers serving', env)
      : await startPinned(kdnsArgs, 'serving', env);
    kdnsProc = kdns.proc;
    const rssReady = rssTree(kdns.proc.pid!);
    const basePort = await freePort();
    if (o.baseline) {
      baseProc = (await startPinned([o.baseline, '-conf', join(dir, 'Corefile'), '-dns.port', String(basePort)], 'serving', env)).proc;
      await runDnsperf(basePort, queryFile, WARM_UP_SECONDS, perfArgs);
    }

    await runDnsperf(echoPort, queryFile, WARM_UP_SECONDS, perfArgs);
    await runDnsperf(port, queryFile, WARM_UP_SECONDS, perfArgs);
    const echoTurns: PerfResult[] = [];
    const kdnsTurns: PerfResult[] = [];
    const baseTurns: PerfResult[] = [];
    for (let i = 0; i < o.rounds; i++) {
      echoTurns.push(await runDnsperf(echoPort, queryFile, o.seconds, perfArgs));
      kdnsTurns.push(await runDnsperf(port, queryFile, o.seconds, perfArgs));
      if (baseProc) baseTurns.push(await runDnsperf(basePort, queryFile, o.seconds, perfArgs));
    }
    if (baseProc) await stop(baseProc);
    const ceiling = medianTurn(echoTurns).qps;
    const peak = medianTurn(kdnsTurns).qps;
    // p99 is a few hundred queries a turn, and one stall of the VM moves it: turns again, medians.
    const echoLats: LatencyResult[] = [];
    const lats: LatencyResult[] = [];
    for (let i = 0; i < o.rounds; i++) {
      echoLats.push(await runDnsperfLatency(echoPort, queryFile, o.seconds, o.latencyQps ?? ceiling / 2, perfArgs));
      lats.push(await runDnsperfLatency(port, queryFile, o.seconds, o.latencyQps ?? peak / 2, perfArgs));
    }
    const echoLat = medianLatency(echoLats);
    const lat = medianLatency(lats);
    const rssAfter = rssTree(kdns.proc.pid!);
    const rssSettled = await settledRss(kdns.proc.pid!);

    const ratio = pairedRatio(kdnsTurns, echoTurns);
    const baseline = baseProc
      ? { qps: medianTurn(baseTurns).qps, ratio: pairedRatio(baseTurns, echoTurns), afterOverBase: pairedRatio(kdnsTurns, baseTurns) }
      : undefined;
    process.stdout.write(`${line('echo ceiling', echoTurns, 1, echoLat)}\n${line(`kdns ${c.name}`, kdnsTurns, ratio, lat)}\n`);
    if (baseline) process.stdout.write(`${line('baseline build', baseTurns, baseline.ratio)}  this build/baseline ${baseline.afterOverBase.toFixed(2)}\n`);
    rows.push({
      name: c.name, qps: peak, ceiling, ratio, p50: lat.p50, p99: lat.p99, echoP99: echoLat.p99, ready: kdns.ms, rss: rssReady,
      settled: rssSettled, baseline,
    });
    if (c.upstream && direct) {
      process.stdout.write(`${line(`${c.upstream.name} direct`, [direct], direct.qps / ceiling)}\n` +
        `  kdns/${c.upstream.name} ${(peak / direct.qps).toFixed(2)} (kdns on core 1 with ${c.upstream.name} on core 0 beside dnsperf; ` +
        `${c.upstream.name} direct alone on core 1)\n`);
    }
    const pid = kdns.proc.pid!;
    process.stdout.write(`  start-to-ready ${kdns.ms.toFixed(0)} ms, RSS ${rssReady.toFixed(1)} MB at ready, ${rssAfter.toFixed(1)} MB after the run, ` +
      `${rssSettled.toFixed(1)} MB settled (of it ${statusMb(pid, 'RssFile').toFixed(1)} MB file-backed, ` +
      `${statusMb(pid, 'RssAnon').toFixed(1)} MB anonymous${o.workers > 1 ? ', primary only' : ''})\n`);
  } finally {
    // A server that fails to start must not leave the others running.
    if (baseProc) await stop(baseProc);
    if (kdnsProc) await stop(kdnsProc, o.workers > 1);
    if (echo) await stop(echo);
    if (upstream) await stop(upstream);
  }
}

async function main(): Promise<void> {
  ensureDnsperf();
  mkdirSync(WORK, { recursive: true });
  const seconds = Number(arg('seconds', '4'));
  const rounds = Number(arg('rounds', '3'));
  const latencyQps = arg('latency-qps', '') ? Number(arg('latency-qps', '')) : undefined;
  const baseline = arg('baseline', '') ? resolve(arg('baseline', '')) : undefined;
  const only = arg('only', '');
  const large = !process.argv.includes('--no-large');
  const workers = Number(arg('workers', '1'));
  if (large && !existsSync(LARGE)) {
    execFileSync(process.execPath, [join(here, 'gen-fixture.js'), '--services', '5000', '--pods', '50000', '--out', LARGE], { stdio: 'inherit' });
  }
  const fixtureYaml = readFileSync(join(ROOT, 'corefile-examples/fixture.yaml'), 'utf8');
  process.stdout.write(`node ${process.version}; dnsperf -c 4 -q 500 on core 0, the servers on core 1` +
    `${workers > 1 ? ` (kdns: ${workers} workers on cores 0-1)` : ''}; ${WARM_UP_SECONDS} s warm-up, then ${rounds} turns of ` +
    `${seconds} s each, medians; p50/p99 from dnsperf -v at ${latencyQps ? `${latencyQps} qps` : "half of each server's peak"}\n`);
  for (const c of classes(fixtureYaml, large ? LARGE : undefined).filter((k) => k.name.includes(only))) {
    await measure(c, { seconds, rounds, workers, latencyQps, baseline });
  }
  process.stdout.write(`\n${summary()}\n`);
}

await main();
