// Connection settings: in-cluster (env + service account files), kubeconfig
// contexts, endpoint with tls files; errors with KDNS_ERR_K8S_CONFIG; a rotated
// token is read again on reload().

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, type ApiTarget } from '../../src/k8s/connection.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "http://127.0.0.1:8080/"}
- name: b
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: ca.pem}
users:
- name: ua
  user: {token: tok-a}
- name: ub
  user: {token: tok-b}
contexts:
- name: ctx-a
  context: {cluster: a, user: ua}
- name: ctx-b
  context: {cluster: b, user: ub}
current-context: ctx-a
`;

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('k8s connection', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kdns-k8s-conn-'));
    writeFileSync(join(dir, 'kubeconfig'), KUBECONFIG);
    writeFileSync(join(dir, 'ca.pem'), 'not really a CA');
    writeFileSync(join(dir, 'ca.crt'), 'not really a CA either');
    writeFileSync(join(dir, 'token'), 'sa-token-1');
    env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443', KDNS_SERVICEACCOUNT_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const good: { name: string; target: () => ApiTarget; env?: () => NodeJS.ProcessEnv; server: string; auth?: string; ca?: string }[] = [
    { name: 'in-cluster: https to the service host, the service account token', target: () => ({ kind: 'in-cluster' }),
      server: 'https://127.0.0.1:6443', auth: 'Bearer sa-token-1', ca: 'not really a CA either' },
    { name: 'in-cluster over IPv6', target: () => ({ kind: 'in-cluster' }),
      env: () => ({ ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }), server: 'https://[fd00::1]:6443', auth: 'Bearer sa-token-1' },
    { name: 'kubeconfig: the current context', target: () => ({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: undefined }),
      server: 'http://127.0.0.1:8080', auth: 'Bearer tok-a' },
    { name: 'kubeconfig: a named context, CA relative to the file', target: () => ({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: 'ctx-b' }),
      server: 'https://127.0.0.1:6443', auth: 'Bearer tok-b', ca: 'not really a CA' },
    { name: 'endpoint without credentials', target: () => ({ kind: 'endpoint', url: 'http://127.0.0.1:8001/', tls: undefined }),
      server: 'http://127.0.0.1:8001' },
    { name: 'endpoint with tls files', target: () => ({ kind: 'endpoint', url: 'https://127.0.0.1:6443', tls: { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.pem'), ca: join(dir, 'ca.crt') } }),
      server: 'https://127.0.0.1:6443', ca: 'not really a CA either' },
  ];

  for (const c of good) {
    it(c.name, async () => {
      const conn = await Connection.open(c.target(), c.env?.() ?? env);
      expect(conn.server).to.equal(c.server);
      const opts = await conn.requestOptions();
      expect((opts.headers as Record<string, string> | undefined)?.Authorization).to.equal(c.auth);
      if (c.ca !== undefined) expect(String(opts.ca)).to.equal(c.ca);
      expect(opts.agent, 'an agent').to.not.equal(undefined);
    });
  }

  const bad: { name: string; target: () => ApiTarget; env?: NodeJS.ProcessEnv; fragment: string }[] = [
    { name: 'in-cluster outside a pod', target: () => ({ kind: 'in-cluster' }), env: {}, fragment: 'KUBERNETES_SERVICE_HOST' },
    { name: 'a missing kubeconfig', target: () => ({ kind: 'kubeconfig', file: join(dir, 'nope'), context: undefined }), fragment: 'no such file' },
    { name: 'an unknown context', target: () => ({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: 'ctx-z' }), fragment: "no context 'ctx-z'" },
  ];
  for (const c of bad) {
    it(`refuses ${c.name} with KDNS_ERR_K8S_CONFIG`, async () => {
      const err = await errorOf(Connection.open(c.target(), c.env ?? env));
      expect(err.code).to.equal('KDNS_ERR_K8S_CONFIG');
      expect(err.message).to.contain(c.fragment);
    });
  }

  it('reads a rotated service account token again on reload()', async () => {
    const conn = await Connection.open({ kind: 'in-cluster' }, env);
    const auth = async (): Promise<unknown> => ((await conn.requestOptions()).headers as Record<string, string>).Authorization;
    expect(await auth()).to.equal('Bearer sa-token-1');
    writeFileSync(join(dir, 'token'), 'sa-token-2');
    conn.reload();
    expect(await auth()).to.equal('Bearer sa-token-2');
    writeFileSync(join(dir, 'token'), 'sa-token-1');
  });
});
