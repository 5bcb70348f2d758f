// Connection settings: in-cluster (env + service account files), kubeconfig
// contexts (inline and relative files, token files, basic auth, insecure TLS, an
// exec plugin through client-node), endpoint with tls files; errors with
// KDNS_ERR_K8S_CONFIG; a rotated token is read again after a minute and on reload().

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, type ApiTarget } from '../../src/k8s/connection.js';
import { TOKEN_MAX_AGE_MS, TokenFile } from '../../src/k8s/credentials.js';

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

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const EXEC_CREDENTIAL = JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: 'exec-token', expirationTimestamp: '2999-01-01T00:00:00Z' },
});

// Every user kind kdns applies itself, and one exec plugin left to client-node.
const MORE = `apiVersion: v1
kind: Config
clusters:
- name: inline
  cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ${b64('inline CA')}}
- name: files
  cluster: {server: "https://127.0.0.1:6443/", certificate-authority: sub/ca.pem}
- name: insecure
  cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true, tls-server-name: api.example.org}
users:
- name: inline
  user: {client-certificate-data: ${b64('inline cert')}, client-key-data: ${b64('inline key')}}
- name: files
  user: {client-certificate: sub/cert.pem, client-key: sub/key.pem, tokenFile: sub/token, token: ignored}
- name: basic
  user: {username: admin, password: s3cret}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: sh
      args: ${JSON.stringify(['-c', `echo '${EXEC_CREDENTIAL}'`])}
contexts:
- {name: inline, context: {cluster: inline, user: inline}}
- {name: files, context: {cluster: files, user: files}}
- {name: basic, context: {cluster: insecure, user: basic}}
- {name: exec, context: {cluster: inline, user: exec}}
- {name: no-cluster, context: {user: basic}}
- {name: lost-cluster, context: {cluster: gone, user: basic}}
- {name: lost-user, context: {cluster: inline, user: gone}}
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
    writeFileSync(join(dir, 'more'), MORE);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'ca.pem'), 'file CA');
    writeFileSync(join(dir, 'sub', 'cert.pem'), 'file cert');
    writeFileSync(join(dir, 'sub', 'key.pem'), 'file key');
    writeFileSync(join(dir, 'sub', 'token'), 'file-token\n');
    writeFileSync(join(dir, 'no-context'), KUBECONFIG.replace('current-context: ctx-a', ''));
    writeFileSync(join(dir, 'bad-yaml'), 'apiVersion: v1\nkind: Config\nkind: Config\n');
    writeFileSync(join(dir, 'upper'), KUBECONFIG.replace('"http://127.0.0.1:8080/"', '"HTTPS://Localhost:6443/"'));
    env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443', KDNS_SERVICEACCOUNT_DIR: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const more = (context: string): ApiTarget => ({ kind: 'kubeconfig', file: join(dir, 'more'), context });
  const good: {
    name: string; target: () => ApiTarget; env?: () => NodeJS.ProcessEnv; server: string; auth?: string; ca?: string;
    /** Other request options: buffers compared as text. */
    tls?: Record<string, string | boolean>;
  }[] = [
    { name: 'in-cluster: https to the service host, the service account token', target: () => ({ kind: 'in-cluster' }),
      server: 'https://127.0.0.1:6443', auth: 'Bearer sa-token-1', ca: 'not really a CA either' },
    { name: 'in-cluster over IPv6', target: () => ({ kind: 'in-cluster' }),
      env: () => ({ ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }), server: 'https://[fd00::1]:6443', auth: 'Bearer sa-token-1' },
    { name: 'kubeconfig: the current context', target: () => ({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: undefined }),
      server: 'http://127.0.0.1:8080', auth: 'Bearer tok-a' },
    { name: 'kubeconfig: a named context, CA relative to the file', target: () => ({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: 'ctx-b' }),
      server: 'https://127.0.0.1:6443', auth: 'Bearer tok-b', ca: 'not really a CA' },
    { name: 'kubeconfig: a server URL in upper case is normalised (the scheme decides TLS)',
      target: () => ({ kind: 'kubeconfig', file: join(dir, 'upper'), context: undefined }), server: 'https://localhost:6443', auth: 'Bearer tok-a' },
    { name: 'endpoint without credentials', target: () => ({ kind: 'endpoint', url: 'http://127.0.0.1:8001/', tls: undefined }),
      server: 'http://127.0.0.1:8001' },
    { name: 'endpoint with tls files', target: () => ({ kind: 'endpoint', url: 'https://127.0.0.1:6443', tls: { cert: join(dir, 'ca.pem'), key: join(dir, 'ca.pem'), ca: join(dir, 'ca.crt') } }),
      server: 'https://127.0.0.1:6443', ca: 'not really a CA either', tls: { cert: 'not really a CA', key: 'not really a CA' } },
    { name: 'kubeconfig: CA, certificate and key inline (base64 *-data)', target: () => more('inline'),
      server: 'https://127.0.0.1:6443', ca: 'inline CA', tls: { cert: 'inline cert', key: 'inline key' } },
    { name: 'kubeconfig: CA, certificate, key and tokenFile relative to the file; tokenFile wins over token', target: () => more('files'),
      server: 'https://127.0.0.1:6443', auth: 'Bearer file-token', ca: 'file CA', tls: { cert: 'file cert', key: 'file key' } },
    { name: 'kubeconfig: basic auth, insecure-skip-tls-verify, tls-server-name', target: () => more('basic'),
      server: 'https://10.0.0.1:6443', auth: `Basic ${b64('admin:s3cret')}`, tls: { rejectUnauthorized: false, servername: 'api.example.org' } },
    { name: 'kubeconfig: an exec plugin user, through client-node', target: () => more('exec'),
      server: 'https://127.0.0.1:6443', auth: 'Bearer exec-token', ca: 'inline CA' },
  ];

  for (const c of good) {
    it(c.name, async () => {
      const conn = await Connection.open(c.target(), c.env?.() ?? env);
      expect(conn.server).to.equal(c.server);
      const opts = await conn.requestOptions();
      expect((opts.headers as Record<string, string> | undefined)?.Authorization).to.equal(c.auth);
      if (c.ca !== undefined) expect(String(opts.ca)).to.equal(c.ca);
      for (const [k, v] of Object.entries(c.tls ?? {})) {
        const got: unknown = opts[k as keyof typeof opts];
        expect(typeof v === 'string' ? String(got) : got, k).to.equal(v);
      }
      expect(opts.agent, 'an agent').to.not.equal(undefined);
    });
  }

  const bad: { name: string; target: () => ApiTarget; env?: NodeJS.ProcessEnv; fragment: string }[] = [
    { name: 'in-cluster outside a pod', target: () => ({ kind: 'in-cluster' }), env: {}, fragment: 'KUBERNETES_SERVICE_HOST' },
    { name: 'a missing kubeconfig', target: () => ({ kind: 'kubeconfig', file: join(dir, 'nope'), context: undefined }), fragment: 'no such file' },
    { name: 'an unknown context', target: () => ({ kind: 'kubeconfig', file: join(dir, 'kubeconfig'), context: 'ctx-z' }), fragment: "no context 'ctx-z'" },
    { name: 'a kubeconfig without current-context', target: () => ({ kind: 'kubeconfig', file: join(dir, 'no-context'), context: undefined }),
      fragment: 'no current-context' },
    { name: 'a context without a cluster', target: () => more('no-cluster'), fragment: "the current context 'no-cluster' names no cluster" },
    { name: 'a context naming a missing cluster', target: () => more('lost-cluster'), fragment: "names cluster 'gone', which is not in the file" },
    { name: 'a context naming a missing user', target: () => more('lost-user'), fragment: "names user 'gone', which is not in the file" },
    { name: 'a kubeconfig that is not YAML', target: () => ({ kind: 'kubeconfig', file: join(dir, 'bad-yaml'), context: undefined }),
      fragment: 'line 3' },
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

  it('reads a token file again once the copy in memory is a minute old', async () => {
    const file = join(dir, 'rotating-token');
    writeFileSync(file, 'old');
    let now = 1_000_000;
    const token = new TokenFile(file, () => now);
    expect(await token.get()).to.equal('old');
    writeFileSync(file, 'new');
    now += TOKEN_MAX_AGE_MS - 1;
    expect(await token.get(), 'kept within the minute').to.equal('old');
    now += 1;
    expect(await token.get()).to.equal('new');
  });

  it('loads no client-node for in-cluster and plain kubeconfig users', async () => {
    // A fresh process whose module resolution refuses the package: importing
    // connection.js and using it must not need it.
    const conn = fileURLToPath(new URL('../../src/k8s/connection.js', import.meta.url));
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(
        'export async function resolve(s, c, next) { if (s.startsWith("@kubernetes/")) throw new Error("client-node imported"); return next(s, c); }'));
      const { Connection } = await import(${JSON.stringify(conn)});
      const env = ${JSON.stringify(env)};
      for (const t of [{ kind: 'in-cluster' }, { kind: 'kubeconfig', file: ${JSON.stringify(join(dir, 'more'))}, context: 'files' }]) {
        await (await Connection.open(t, env)).requestOptions();
      }`;
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 }, (err, _out, stderr) => {
        if (err) reject(new Error(stderr || err.message)); else resolve();
      });
    });
  });
});
