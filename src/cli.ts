// Command-line flags, spelled as CoreDNS's Go flags: `-conf FILE`, `--conf FILE`, `-conf=FILE`.

import { KdnsError } from './errors.js';

export interface CliOptions {
  conf: string | undefined;
  dnsPort: number;
  version: boolean;
  plugins: boolean;
  /** Server processes (node:cluster workers) sharing the sockets; 1 runs the server in this process. */
  workers: number;
}

const VALUE_FLAGS = new Set(['conf', 'dns.port', 'workers']);
const BOOL_FLAGS = new Set(['version', 'plugins']);

export class UsageError extends KdnsError {
  constructor(message: string) {
    super('KDNS_ERR_USAGE', message);
  }
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { conf: undefined, dnsPort: 53, version: false, plugins: false, workers: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z.]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument '${arg}'`);
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    if (BOOL_FLAGS.has(name)) {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`-${name} takes no value`);
      opts[name as 'version' | 'plugins'] = inline !== 'false';
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown flag -${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag -${name} needs a value`);
    if (name === 'conf') opts.conf = value;
    else if (name === 'workers') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`-workers: bad count '${value}' (1 to 64)`);
      opts.workers = n;
    } else {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`-dns.port: bad port '${value}'`);
      opts.dnsPort = port;
    }
  }
  return opts;
}

export const USAGE = `Usage: kdns [-conf FILE] [-dns.port PORT] [-workers N] [-version] [-plugins]
  -conf FILE      Corefile to load (default: ./Corefile, else ".:53 { whoami; log }")
  -dns.port PORT  port for server keys that name none (default 53)
  -workers N      server processes sharing the sockets, one a core (default 1)
  -version        print the version and exit
  -plugins        list the plugins built in and exit`;
