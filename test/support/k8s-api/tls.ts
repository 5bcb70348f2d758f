// A self-signed certificate for the emulator's HTTPS (made with openssl, once per
// process): valid for 127.0.0.1, ::1 and localhost, and its own CA, as a pod's
// service account ca.crt is for the API server's certificate.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Certificate {
  readonly cert: string;
  readonly key: string;
}

let made: Promise<Certificate> | undefined;

async function make(): Promise<Certificate> {
  const dir = mkdtempSync(join(tmpdir(), 'kdns-k8s-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=kube-apiserver',
      '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
    ]);
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function certificate(): Promise<Certificate> {
  made ??= make();
  return made;
}
