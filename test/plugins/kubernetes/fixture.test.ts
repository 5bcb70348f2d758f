// FixtureSource and the fixture file format (SPEC §2): first-load errors, the forms a
// fixture takes, the generated fixture, and reloads on change, where a bad file keeps
// the state served and is reported once.

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { KdnsError } from '../../../src/errors.js';
import { parseFixture } from '../../../src/plugins/kubernetes/fixture-file.js';
import { FixtureSource } from '../../../src/plugins/kubernetes/fixture.js';
import { ClusterStore } from '../../../src/plugins/kubernetes/store.js';

const EXAMPLE = fileURLToPath(new URL('../../../../corefile-examples/fixture.yaml', import.meta.url));
const GENERATOR = fileURLToPath(new URL('../../../bench/gen-fixture.js', import.meta.url));

interface Entry { level: number; msg: string; skipped?: number; reasons?: string[] }

function captureLog(): { log: Logger; entries: Entry[] } {
  const entries: Entry[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { entries.push(JSON.parse(line) as Entry); } });
  return { log, entries };
}

const ERROR = 50, WARN = 40, INFO = 30;

/** A kubectl-style List holding one namespace and these services (name -> cluster IP). */
function list(services: Record<string, string>): string {
  const items = Object.entries(services).map(([name, ip]) => `- apiVersion: v1
  kind: Service
  metadata: {name: ${name}, namespace: default}
  spec: {clusterIP: ${ip}, ports: [{name: http, port: 80, protocol: TCP}]}`);
  return `apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: default}
${items.join('\n')}
kind: List
metadata: {resourceVersion: ""}
`;
}

async function waitFor(cond: () => boolean, what: string, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'kdns-fixture-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

let seq = 0;
/** A fresh file path in the temp dir (each test its own file), written with `text` unless undefined. */
async function fixtureFile(text: string | undefined): Promise<string> {
  const path = join(dir, `fixture-${++seq}.yaml`);
  if (text !== undefined) await writeFile(path, text);
  return path;
}

describe('kubernetes fixture: first load errors', () => {
  const cases: { name: string; text: string | undefined; reason: RegExp }[] = [
    { name: 'missing file', text: undefined, reason: /no such file/ },
    { name: 'empty file', text: '  \n', reason: /the file is empty/ },
    { name: 'YAML syntax error', text: 'apiVersion: v1\nitems:\n- kind: Service\n  metadata: {name: [x\n', reason: /^YAML: .* at line \d+, column \d+$/ },
    { name: 'a scalar', text: 'hello\n', reason: /the file is not a List or an object with a kind/ },
    { name: 'a List cut off before its kind line', text: list({ web: '10.96.0.5' }).replace(/kind: List[\s\S]*/, ''), reason: /not a List or an object with a kind/ },
    { name: 'a List without items', text: 'apiVersion: v1\nkind: List\n', reason: /a List without items/ },
    { name: 'an object with items that is no List', text: 'kind: Service\nitems: []\n', reason: /has items but is a Service/ },
    { name: 'a bad document among several', text: 'kind: Namespace\nmetadata: {name: a}\n---\n42\n', reason: /document 2 is not a List/ },
    { name: 'JSON cut off', text: '{"kind": "List", "items": [\n{"kind": "Namespace",\n "metadata": {"name": "a"}},\n{"kind": ', reason: /^JSON: unexpected end of input at line 4$/ },
    { name: 'JSON with a bad token', text: '{"kind": "List", "items": [\n{"kind": "Namespace",\n "metadata": {"name": x}}\n]}', reason: /^JSON: Unexpected token 'x' in the value starting at line 2$/ },
    { name: 'JSON with a missing comma', text: '{"kind": "List", "items": [\n{"kind": "Namespace",\n "metadata": {"name": "a"} "x": 1}\n]}', reason: /^JSON: Expected ',' or '}' after property value at line 3$/ },
    { name: 'JSON with text after it', text: '{"kind": "List", "items": []}\n}', reason: /^JSON: unexpected "}" at line 2$/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const path = await fixtureFile(c.text);
      const store = new ClusterStore();
      const err = await new FixtureSource(path, store, captureLog().log).start().then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(KdnsError);
      expect((err as KdnsError).code).to.equal('KDNS_ERR_FIXTURE');
      expect((err as KdnsError).message).to.include(path);
      expect((err as { reason: string }).reason).to.match(c.reason);
      expect(store.synced).to.equal(false);
    });
  }
});

describe('kubernetes fixture: forms', () => {
  it('the embedded example: kubectl -o yaml form, nothing skipped', async () => {
    const { log, entries } = captureLog();
    const store = new ClusterStore(log);
    const source = new FixtureSource(EXAMPLE, store, log);
    await source.start();
    await source.stop();
    expect(entries.filter((e) => e.level >= WARN)).to.deep.equal([]);
    expect(store.synced).to.equal(true);
    expect(store.service('kube-system', 'kube-dns')?.clusterIPs).to.deep.equal(['10.96.0.10']);
    expect(store.service('kube-system', 'kube-dns')?.ports.map((p) => `${p.name}/${p.port}/${p.protocol}`))
      .to.deep.equal(['dns/53/UDP', 'dns-tcp/53/TCP', 'metrics/9153/TCP']);
    expect(store.service('default', 'kubernetes')?.clusterIPs).to.deep.equal(['10.96.0.1']);
    expect(store.service('default', 'web')?.clusterIPs).to.deep.equal(['10.96.100.10', 'fd00:10:96::100a']);
    const webReady = store.slices('default', 'web').flatMap((s) => s.endpoints.map((e) => `${e.addresses[0]} ${e.ready}`)).sort();
    expect(webReady).to.deep.equal(['10.244.1.10 true', '10.244.1.12 false', '10.244.2.11 true',
      'fd00:10:244:1::a true', 'fd00:10:244:1::c false', 'fd00:10:244:2::b true']);
    expect(store.service('default', 'db')?.kind).to.equal('Headless');
    expect(store.slices('default', 'db').flatMap((s) => s.endpoints.map((e) => e.hostname))).to.deep.equal(['db-0', 'db-1']);
    expect(store.service('default', 'search')?.externalName).to.equal('www.example.com.');
    expect(store.service('default', 'alias')?.externalName).to.equal('web.default.svc.cluster.local.');
    expect(store.service('staging', 'api')?.clusterIPs).to.deep.equal(['10.96.200.5']);
    expect(store.podsByIP('fd00:10:244:2::b').map((p) => p.name)).to.deep.equal(['web-6f7b8c9d4-h7mzt']);
    expect(['default', 'kube-system', 'staging'].every((n) => store.namespace(n))).to.equal(true);
  });

  it('several YAML documents, each an object or a List, and an empty one', () => {
    const text = `apiVersion: v1
kind: Namespace
metadata: {name: default}
---
apiVersion: v1
kind: ServiceList
items:
- {kind: Service, metadata: {name: a, namespace: default}, spec: {clusterIP: 10.96.0.1}}
- {kind: Service, metadata: {name: b, namespace: default}, spec: {clusterIP: 10.96.0.2}}
---
kind: Pod
metadata: {name: p, namespace: default}
status: {podIP: 10.244.0.1}
---
`;
    const { objects, skipped } = parseFixture(text, 'multi.yaml');
    expect(skipped).to.deep.equal([]);
    expect([objects.Namespace.length, objects.Service.length, objects.Pod.length]).to.deep.equal([1, 2, 1]);
  });

  it('a JSON List in kubectl -o json order (items before kind)', () => {
    const text = JSON.stringify({ apiVersion: 'v1', items: [
      { kind: 'Service', metadata: { name: 'a', namespace: 'default' }, spec: { clusterIP: '10.96.0.1' } },
      { kind: 'Namespace', metadata: { name: 'default' } },
    ], kind: 'List', metadata: { resourceVersion: '' } }, null, 2);
    const { objects } = parseFixture(Buffer.from(text), 'list.json');
    expect([objects.Namespace.length, objects.Service.length]).to.deep.equal([1, 1]);
  });

  it('skipped objects: one warning per load, with the count and reasons', async () => {
    const text = list({ web: '10.96.0.5' }).replace('kind: List', `- {kind: ConfigMap, metadata: {name: c, namespace: default}}
- {kind: Service, metadata: {name: nons}, spec: {clusterIP: 10.96.0.9}}
kind: List`);
    const { log, entries } = captureLog();
    const store = new ClusterStore(log);
    const source = new FixtureSource(await fixtureFile(text), store, log);
    await source.start();
    await source.stop();
    const warns = entries.filter((e) => e.level === WARN);
    expect(warns).to.have.length(1);
    expect(warns[0]!.skipped).to.equal(2);
    expect(warns[0]!.reasons!.join('; ')).to.include('kind ConfigMap is not used by kdns').and.include('has no metadata.namespace');
    expect(store.service('default', 'web')).to.not.equal(undefined);
  });

  it('option pods: false keeps no pods', async () => {
    const store = new ClusterStore();
    const source = new FixtureSource(EXAMPLE, store, captureLog().log, { pods: false });
    await source.start();
    await source.stop();
    expect(store.podsByIP('10.244.1.10')).to.deep.equal([]);
    expect(store.endpointsByIP('10.244.1.10')).to.have.length(1);
  });

  it('the generated fixture: deterministic, loads, slices of at most 100 endpoints', async () => {
    const out = join(dir, 'generated.json');
    const gen = (file: string): void => {
      execFileSync(process.execPath, [GENERATOR, '--services', '200', '--pods', '5000', '--headless-fraction', '0.2',
        '--dual-stack-fraction', '0.3', '--namespaces', '5', '--out', file], { stdio: 'pipe' });
    };
    gen(out);
    gen(`${out}.2`);
    expect(readFileSync(out).equals(readFileSync(`${out}.2`)), 'same options, same file').to.equal(true);
    const { log, entries } = captureLog();
    const store = new ClusterStore(log);
    const source = new FixtureSource(out, store, log);
    await source.start();
    await source.stop();
    expect(entries.filter((e) => e.level >= WARN)).to.deep.equal([]);
    const { objects } = parseFixture(readFileSync(out), out);
    expect(objects.Namespace).to.have.length(5);
    expect(objects.Service).to.have.length(202); // + kubernetes and kube-dns
    expect(objects.Pod).to.have.length(5002);
    expect(Math.max(...objects.EndpointSlice.map((s) => s.endpoints.length))).to.be.at.most(100);
    const perService = new Map<string, number>();
    for (const s of objects.EndpointSlice) perService.set(`${s.namespace}/${s.service}/${s.addressType}`, (perService.get(`${s.namespace}/${s.service}/${s.addressType}`) ?? 0) + 1);
    expect(Math.max(...perService.values()), 'a big service spans several slices').to.be.greaterThan(1);
    const kinds = new Set(objects.Service.map((s) => s.kind));
    expect([...kinds].sort()).to.deep.equal(['ClusterIP', 'ExternalName', 'Headless']);
    expect(objects.Service.some((s) => s.clusterIPs.length === 2), 'dual-stack services').to.equal(true);
    expect(objects.EndpointSlice.some((s) => s.addressType === 'IPv6')).to.equal(true);
    const headless = objects.EndpointSlice.find((s) => store.service(s.namespace, s.service)?.kind === 'Headless' && s.endpoints.length);
    expect(headless?.endpoints[0]?.hostname).to.match(/-\d+$/);
    expect(objects.Pod.every((p) => p.ips[0]!.startsWith('10.244.'))).to.equal(true);
  });
});

describe('kubernetes fixture: reload on change', () => {
  /** Starts a source on a new file holding `text`; returns it with its store and log. */
  async function started(text: string) {
    const path = await fixtureFile(text);
    const { log, entries } = captureLog();
    const store = new ClusterStore(log);
    const source = new FixtureSource(path, store, log);
    await source.start();
    return { path, store, source, entries, errors: () => entries.filter((e) => e.level === ERROR) };
  }

  it('a rewritten file is applied', async () => {
    const t = await started(list({ web: '10.96.0.5' }));
    try {
      let changes = 0;
      t.store.onChange(() => changes++);
      await writeFile(t.path, list({ web: '10.96.0.6', api: '10.96.0.7' }));
      await waitFor(() => t.store.service('default', 'api') !== undefined, 'the new service');
      expect(t.store.servicesByClusterIP('10.96.0.5')).to.deep.equal([]);
      expect(t.store.service('default', 'web')?.clusterIPs).to.deep.equal(['10.96.0.6']);
      expect(changes).to.equal(1);
    } finally { await t.source.stop(); }
  });

  it('an atomic rename over the file is applied', async () => {
    const t = await started(list({ web: '10.96.0.5' }));
    try {
      const tmp = join(dir, `.tmp-${seq}`);
      await writeFile(tmp, list({ renamed: '10.96.0.8' }));
      await rename(tmp, t.path);
      await waitFor(() => t.store.service('default', 'renamed') !== undefined, 'the renamed-in state');
      expect(t.store.service('default', 'web')).to.equal(undefined);
    } finally { await t.source.stop(); }
  });

  it('a half-written file keeps the last good state, logs once, and the completed file loads', async () => {
    const good = list({ web: '10.96.0.5' });
    const t = await started(good);
    try {
      const next = list({ web: '10.96.0.5', api: '10.96.0.7' });
      const half = next.slice(0, next.indexOf('kind: List'));
      await writeFile(t.path, half);
      await waitFor(() => t.errors().length === 1, 'the error');
      expect(t.errors()[0]!.msg).to.include(t.path).and.include('kept last good state');
      await writeFile(t.path, half); // the same broken file again: no second error
      await sleep(1300);
      expect(t.errors()).to.have.length(1);
      expect(t.store.service('default', 'web')).to.not.equal(undefined);
      await writeFile(t.path, next);
      await waitFor(() => t.store.service('default', 'api') !== undefined, 'the completed file');
      expect(t.entries.some((e) => e.level === INFO && e.msg.includes('loaded again'))).to.equal(true);
    } finally { await t.source.stop(); }
  });

  it('a broken file keeps the state; a different breakage is logged again', async () => {
    const t = await started(list({ web: '10.96.0.5' }));
    try {
      await writeFile(t.path, 'items: [\n');
      await waitFor(() => t.errors().length === 1, 'the first error');
      await writeFile(t.path, '');
      await waitFor(() => t.errors().length === 2, 'the second error');
      expect(t.store.service('default', 'web')?.clusterIPs).to.deep.equal(['10.96.0.5']);
    } finally { await t.source.stop(); }
  });

  it('a deleted file keeps the state; a recreated one loads', async () => {
    const t = await started(list({ web: '10.96.0.5' }));
    try {
      const version = t.store.version;
      await unlink(t.path);
      await waitFor(() => t.errors().length === 1, 'the error');
      expect(t.errors()[0]!.msg).to.include('no such file');
      expect(t.store.version).to.equal(version);
      expect(t.store.service('default', 'web')).to.not.equal(undefined);
      await writeFile(t.path, list({ back: '10.96.0.9' }));
      await waitFor(() => t.store.service('default', 'back') !== undefined, 'the recreated file');
    } finally { await t.source.stop(); }
  });

  it('after stop, changes are not applied', async () => {
    const t = await started(list({ web: '10.96.0.5' }));
    await t.source.stop();
    await writeFile(t.path, list({ late: '10.96.0.9' }));
    await sleep(300);
    expect(t.store.service('default', 'late')).to.equal(undefined);
  });
});
