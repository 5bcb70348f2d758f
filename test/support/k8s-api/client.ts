// The client side of the emulator for in-process tests: a kubeconfig pointing at
// it, a Connection, and a logger whose lines the test can read.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Connection } from '../../../src/k8s/connection.js';
import type { ApiEmulator } from './server.js';

/** Writes `<dir>/kubeconfig` for the emulator with this bearer token (and its CA over HTTPS). */
export function writeKubeconfig(dir: string, api: ApiEmulator, token: string): string {
  const file = join(dir, 'kubeconfig');
  const ca = api.ca ? `, certificate-authority-data: ${Buffer.from(api.ca).toString('base64')}` : '';
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters: [{name: emu, cluster: {server: "${api.url}"${ca}}}]
users: [{name: kdns, user: {token: ${token}}}]
contexts: [{name: emu, context: {cluster: emu, user: kdns}}]
current-context: emu
`);
  return file;
}

export async function connect(dir: string, api: ApiEmulator, token: string): Promise<Connection> {
  return Connection.open({ kind: 'kubeconfig', file: writeKubeconfig(dir, api, token), context: undefined });
}

/** A pino logger at debug level keeping its lines (parsed) in `lines`. */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as Record<string, unknown>); } });
  return { log, lines };
}
