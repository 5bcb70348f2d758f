#!/usr/bin/env -S node --max-semi-space-size=1
// kdns: drop-in for CoreDNS's container args (`-conf /etc/coredns/Corefile`).

import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { parseArgs, USAGE } from './cli.js';
import { parseCorefile, readCorefile } from './corefile/load.js';
import type { ServerBlock } from './corefile/types.js';
import { KdnsError } from './errors.js';
import { rootLogger } from './log.js';
import { PLUGIN_ORDER } from './plugins/order.js';
import { BUILT_IN } from './plugins/registry.js';
import { Instance } from './server/instance.js';
import { FileReloader } from './server/reload.js';
import { KdnsServer } from './server/server.js';
import { VERSION } from './version.js';
import { announceServing, runPrimary } from './workers.js';

/** What CoreDNS serves when there is no Corefile at all (on port 53, or -dns.port). */
const DEFAULT_COREFILE = '. {\n  whoami\n  log\n}\n';

const knownDirectives = new Set(PLUGIN_ORDER);

interface LoadedConfig {
  readonly blocks: ServerBlock[];
  /** The file and its text, when the config came from one (reload needs them). */
  readonly file?: { readonly path: string; readonly text: string };
}

function readConfig(conf: string | undefined): LoadedConfig {
  const path = conf ?? (existsSync('Corefile') ? 'Corefile' : undefined);
  if (path === undefined) return { blocks: parseCorefile(DEFAULT_COREFILE, 'default Corefile', { knownDirectives }) };
  const text = readCorefile(path);
  return { blocks: parseCorefile(text, path, { knownDirectives }), file: { path, text } };
}

/** Startup failures are one plain line on stderr and exit code 1. */
function die(err: unknown): never {
  const msg = err instanceof KdnsError ? err.message : err instanceof Error ? err.stack ?? err.message : String(err);
  process.stderr.write(`kdns: ${msg}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`kdns: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts.version) {
    process.stdout.write(`kdns-${VERSION}\n${platform()}/${arch()}, node ${process.version}\n`);
    return;
  }
  if (opts.plugins) {
    const names = BUILT_IN.map((p) => `  dns.${p.name}`).sort();
    process.stdout.write(`Server types:\n  dns\n\nOther plugins:\n${names.join('\n')}\n`);
    return;
  }
  if (opts.workers > 1 && cluster.isPrimary) {
    runPrimary(opts.workers);
    return;
  }
  let server: KdnsServer;
  const instance = new Instance();
  try {
    const { blocks, file } = readConfig(opts.conf);
    if (file) {
      instance.reloader = new FileReloader(file.path, file.text,
        (text) => server.reload(parseCorefile(text, file.path, { knownDirectives })), rootLogger);
    }
    server = await KdnsServer.start(blocks, opts.dnsPort, instance);
  } catch (err) {
    die(err);
  }
  rootLogger.info({ version: VERSION, ports: server.ports }, `kdns-${VERSION} serving`);
  announceServing();
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    rootLogger.info({ signal }, 'shutting down');
    server.close().then(() => process.exit(0), (err: unknown) => {
      rootLogger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // As CoreDNS: SIGUSR1 reloads the Corefile, changed or not.
  process.on('SIGUSR1', () => { void instance.reloader?.check(true); });
}

// A DNS server that exits takes the cluster's name resolution with it: a stray
// exception (a plugin bug in a timer) is logged and the server keeps answering.
process.on('unhandledRejection', (err) => rootLogger.error({ err }, 'unhandled rejection'));
process.on('uncaughtException', (err) => rootLogger.error({ err }, 'uncaught exception'));
await main();
