// The pod's-eye test, without Docker or a cluster: three network namespaces stand in
// for the DNS pod, a client pod and the node's resolver.
//
//   pod  10.96.0.20 ──eth0── 10.96.0.10  srv (kdns)  172.18.0.2 ──eth1── 172.18.0.1  up (dnsmasq)
//
// kdns runs from deploy/Dockerfile's runtime stage replayed into a directory, as the
// Deployment runs it: its args, the ConfigMap's Corefile at the mount path (plus a
// `fixture` line for the cluster state), uid 65532, only NET_BIND_SERVICE, a read-only
// root, port 53 at the kube-dns ClusterIP (one link stands in for the pod network and
// kube-proxy's DNAT). The client pod has the resolv.conf kubelet writes, and resolves
// with glibc (getent), dig and nslookup. Every address lives only inside these namespaces.

import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { buildImageRoot, podCommand, type ImageRoot } from '../support/image.js';
import { loadManifests, manifest, probePort, type ConfigMap, type Container, type Deployment } from '../support/manifests.js';
import { NetnsLab, type Netns } from '../support/netns.js';

const KDNS_IP = '10.96.0.10';
const POD_IP = '10.96.0.20';
const NODE_RESOLVER_IP = '172.18.0.1';
const FIXTURE_FILE = 'cluster.yaml';

/** Cluster state, as `kubectl get namespaces,services,endpointslices -A -o yaml` prints it. */
const CLUSTER = `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: default}}
- {apiVersion: v1, kind: Namespace, metadata: {name: kube-system}}
- apiVersion: v1
  kind: Service
  metadata: {name: kubernetes, namespace: default}
  spec: {clusterIP: 10.96.0.1, clusterIPs: [10.96.0.1], ports: [{name: https, port: 443, protocol: TCP}]}
- apiVersion: v1
  kind: Service
  metadata: {name: kube-dns, namespace: kube-system}
  spec: {clusterIP: ${KDNS_IP}, clusterIPs: [${KDNS_IP}], ports: [{name: dns, port: 53, protocol: UDP}]}
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: default}
  spec:
    clusterIP: 10.96.100.10
    clusterIPs: [10.96.100.10, "fd00:10:96::100a"]
    ipFamilies: [IPv4, IPv6]
    ports: [{name: http, port: 80, protocol: TCP}]
- apiVersion: v1
  kind: Service
  metadata: {name: db, namespace: default}
  spec: {clusterIP: None, clusterIPs: [None], ports: [{name: mysql, port: 3306, protocol: TCP}]}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: db-abcde, namespace: default, labels: {kubernetes.io/service-name: db}}
  addressType: IPv4
  endpoints:
  - {addresses: [10.244.1.20], hostname: db-0, conditions: {ready: true}}
  - {addresses: [10.244.2.21], hostname: db-1, conditions: {ready: true}}
  ports: [{name: mysql, port: 3306, protocol: TCP}]
- apiVersion: v1
  kind: Service
  metadata: {name: alias, namespace: default}
  spec: {type: ExternalName, externalName: web.default.svc.cluster.local}
- apiVersion: v1
  kind: Service
  metadata: {name: upstream, namespace: default}
  spec: {type: ExternalName, externalName: upstream.example}
`;

/** What kubelet writes into a ClusterFirst pod in namespace default. */
const POD_FILES = {
  'resolv.conf': `nameserver ${KDNS_IP}\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`,
  // As in container images: no mDNS or systemd-resolved module between glibc and the resolver.
  'nsswitch.conf': 'hosts: files dns\n',
  'hosts': `127.0.0.1 localhost\n::1 localhost\n${POD_IP} dnsutils\n`,
};

/**
 * The ConfigMap's Corefile as kdns runs it here: unchanged but for a `fixture` line in
 * the kubernetes block, cluster state from a file instead of the API.
 */
function podCorefile(text: string): string {
  const re = /^(\s*)kubernetes\b.*\{$/m;
  if (!re.test(text)) throw new Error(`no 'kubernetes ... {' line in the ConfigMap's Corefile:\n${text}`);
  return text.replace(re, (line, indent: string) => `${line}\n${indent}    fixture ${FIXTURE_FILE}`);
}

interface PodCase {
  /** Run in the client pod. */
  cmd: string[];
  /** Each must match stdout. */
  want: RegExp[];
  /** Exit code; default 0. */
  code?: number;
}

const CASES: PodCase[] = [
  // glibc: search list and ndots:5 from resolv.conf, A and AAAA in parallel on one socket.
  { cmd: ['getent', 'hosts', 'kubernetes.default'], want: [/^10\.96\.0\.1\s+kubernetes\.default\.svc\.cluster\.local$/m] },
  {
    cmd: ['getent', 'ahosts', 'web.default'],
    want: [/^fd00:10:96::100a\s+STREAM\b/m, /^10\.96\.100\.10\s+STREAM\b/m, /\sweb\.default\.svc\.cluster\.local$/m],
  },
  { cmd: ['getent', 'ahostsv4', 'db.default'], want: [/^10\.244\.1\.20\s+STREAM\b/m, /^10\.244\.2\.21\s+STREAM\b/m] },
  { cmd: ['getent', 'hosts', 'db-1.db.default'], want: [/^10\.244\.2\.21\s+db-1\.db\.default\.svc\.cluster\.local$/m] },
  {
    cmd: ['getent', 'hosts', '10-244-1-5.default.pod.cluster.local'],
    want: [/^10\.244\.1\.5\s+10-244-1-5\.default\.pod\.cluster\.local$/m],
  },
  { cmd: ['getent', 'ahostsv4', 'alias.default'], want: [/^10\.96\.100\.10\s+STREAM web\.default\.svc\.cluster\.local$/m] },
  { cmd: ['getent', 'hosts', '10.96.0.1'], want: [/^10\.96\.0\.1\s+kubernetes\.default\.svc\.cluster\.local$/m] },
  { cmd: ['getent', 'hosts', '10.244.2.21'], want: [/^10\.244\.2\.21\s+db-1\.db\.default\.svc\.cluster\.local$/m] },
  { cmd: ['getent', 'hosts', 'nosuch.default'], want: [], code: 2 },
  {
    cmd: ['dig', '+search', 'kubernetes.default'],
    want: [/status: NOERROR/, /flags:[^;]*\baa\b/, /^kubernetes\.default\.svc\.cluster\.local\.\s+30\s+IN\s+A\s+10\.96\.0\.1$/m],
  },
  { cmd: ['dig', '+search', '+short', 'SRV', '_http._tcp.web.default'], want: [/^0 100 80 web\.default\.svc\.cluster\.local\.$/m] },
  { cmd: ['dig', '+short', '-x', '10.96.0.1'], want: [/^kubernetes\.default\.svc\.cluster\.local\.$/m] },
  {
    cmd: ['nslookup', 'kubernetes.default.svc.cluster.local'],
    want: [/^Name:\s+kubernetes\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1$/m],
  },
  { cmd: ['nslookup', 'kubernetes.default'], want: [/^Name:\s+kubernetes\.default\.svc\.cluster\.local\nAddress: 10\.96\.0\.1$/m] },
  { cmd: ['nslookup', '10.96.100.10'], want: [/^10\.100\.96\.10\.in-addr\.arpa\s+name = web\.default\.svc\.cluster\.local\.$/m] },
  // Names outside the cluster go through forward to the node's resolver (dnsPolicy: Default).
  { cmd: ['getent', 'hosts', 'upstream.example'], want: [/^192\.0\.2\.10\s+upstream\.example$/m] },
  { cmd: ['getent', 'ahostsv4', 'upstream.default'], want: [/^192\.0\.2\.10\s+STREAM upstream\.example$/m] },
  { cmd: ['dig', '+search', 'upstream.example'], want: [/^upstream\.example\.\s+\d+\s+IN\s+A\s+192\.0\.2\.10$/m] },
];

describe('pod\'s-eye: the kdns image in a network namespace, resolved from a pod by glibc, dig and nslookup', function () {
  this.timeout(60_000);
  let lab: NetnsLab | undefined;
  let img: ImageRoot | undefined;
  let pod: Netns;
  let container: Container;
  let kdns: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let logs = '';

  /** An HTTP GET from the client pod, as the kubelet probes it. */
  async function get(url: string): Promise<{ status: number; body: string }> {
    const script = 'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) })'
      + '.then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })),'
      + ' (e) => console.log(JSON.stringify({ status: 0, body: String(e) })))';
    const res = await pod.exec(process.execPath, ['-e', script, url]);
    return JSON.parse(res.stdout || '{"status":0,"body":""}') as { status: number; body: string };
  }

  function probeUrl(probe: 'livenessProbe' | 'readinessProbe'): string {
    return `http://${KDNS_IP}:${probePort(container, container[probe])}${container[probe]?.httpGet?.path}`;
  }

  /** Polls until `check` passes or kdns exits or 30 s pass. */
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (kdns?.exitCode !== null || Date.now() > deadline) throw new Error(`${what}; kdns output:\n${logs}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async function () {
    const opened = NetnsLab.open();
    if (typeof opened === 'string') {
      console.log(`      skipped: ${opened}`);
      this.skip();
    }
    lab = opened;
    const objects = loadManifests();
    container = manifest<Deployment>(objects, 'Deployment', 'coredns').spec.template.spec.containers[0]!;
    const corefile = podCorefile(manifest<ConfigMap>(objects, 'ConfigMap', 'coredns').data.Corefile ?? '');
    img = buildImageRoot();
    const srv = lab.add('srv', { 'resolv.conf': `nameserver ${NODE_RESOLVER_IP}\n` });
    pod = lab.add('pod', POD_FILES);
    const up = lab.add('up');
    lab.link('eth0', srv, `${KDNS_IP}/24`, pod, `${POD_IP}/24`);
    lab.link('eth1', srv, '172.18.0.2/24', up, `${NODE_RESOLVER_IP}/24`);

    const dnsmasq = up.spawn('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--pid-file=', '--log-facility=-',
      '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${NODE_RESOLVER_IP}`,
      '--host-record=upstream.example,192.0.2.10']);
    dnsmasq.stderr!.on('data', (d: Buffer) => { logs += `dnsmasq: ${d.toString()}`; });
    dnsmasq.stdout!.resume();
    // The ConfigMap volume: the Corefile where -conf names it.
    const conf = container.args![container.args!.indexOf('-conf') + 1]!;
    mkdirSync(dirname(img.path(conf)), { recursive: true, mode: 0o755 });
    writeFileSync(img.path(conf), corefile);
    writeFileSync(join(dirname(img.path(conf)), FIXTURE_FILE), CLUSTER);
    const args = (container.args ?? []).map((a) => (posix.isAbsolute(a) ? img!.path(a) : a));
    const [cmd, ...rest] = podCommand(img, [...img.argv, ...args]);
    kdns = srv.spawn(cmd!, rest, { cwd: img.cwd, env: { PATH: process.env.PATH } });
    kdns.stdout!.on('data', (d: Buffer) => { logs += d.toString(); });
    kdns.stderr!.on('data', (d: Buffer) => { logs += d.toString(); });
    exited = new Promise((resolve) => kdns!.once('exit', (code) => resolve(code)));

    await until('dnsmasq did not answer', async () =>
      (await up.exec('dig', [`@${NODE_RESOLVER_IP}`, '+short', '+time=1', '+tries=1', 'upstream.example'])).stdout.includes('192.0.2.10'));
    // The kubelet's readiness probe: kdns is in the Service once /ready says 200.
    await until('/ready never answered 200', async () => (await get(probeUrl('readinessProbe'))).status === 200);
  });

  after(async () => {
    if (kdns && kdns.exitCode === null) kdns.kill('SIGKILL');
    lab?.close();
    img?.remove();
  });

  it('runs as the pod runs it: uid 65532, only CAP_NET_BIND_SERVICE, no_new_privs', () => {
    const status = readFileSync(`/proc/${kdns!.pid}/status`, 'utf8');
    expect(readFileSync(`/proc/${kdns!.pid}/cmdline`, 'utf8').split('\0')).to.include(img!.argv[img!.argv.length - 1]);
    expect(status).to.match(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).to.match(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
    // Bit 10 is CAP_NET_BIND_SERVICE.
    expect(status).to.match(/^CapEff:\s+0000000000000400$/m);
    expect(status).to.match(/^CapBnd:\s+0000000000000400$/m);
    expect(status).to.match(/^NoNewPrivs:\s+1$/m);
  });

  it('answers the Deployment\'s liveness and readiness probes', async () => {
    expect(await get(probeUrl('livenessProbe'))).to.deep.include({ status: 200 });
    expect(await get(probeUrl('readinessProbe'))).to.deep.include({ status: 200 });
  });

  for (const c of CASES) {
    it(c.cmd.join(' '), async () => {
      const res = await pod.exec(c.cmd[0]!, c.cmd.slice(1));
      const show = `${c.cmd.join(' ')} exited ${res.code}:\n${res.stdout}${res.stderr}`;
      expect(res.code, show).to.equal(c.code ?? 0);
      for (const re of c.want) expect(res.stdout, show).to.match(re);
    });
  }

  it('counted those queries in the metrics on the Deployment\'s metrics port', async () => {
    const port = container.ports?.find((p) => p.name === 'metrics')?.containerPort;
    const res = await get(`http://${KDNS_IP}:${port}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.body).to.match(/^coredns_dns_requests_total\{[^}]*\} [1-9]/m);
  });

  it('stays well within the Deployment\'s memory limit after those queries', () => {
    const limit = /^(\d+)Mi$/.exec(container.resources?.limits?.memory ?? '');
    expect(limit, 'memory limit in Mi').to.not.equal(null);
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${kdns!.pid}/status`, 'utf8'))?.[1]);
    // ~60 MiB measured: the rest of the limit is the heap's room for a large cluster.
    expect(rssKiB / 1024).to.be.below(Number(limit![1]) * 0.6);
  });

  it('on SIGTERM fails /ready at once, keeps answering through the lameduck, then exits 0', async () => {
    kdns!.kill('SIGTERM');
    await until('/ready still 200 after SIGTERM', async () => (await get(probeUrl('readinessProbe'))).status !== 200);
    const res = await pod.exec('getent', ['hosts', 'kubernetes.default']);
    expect(res.code, `${res.stdout}${res.stderr}`).to.equal(0);
    expect(await exited, logs).to.equal(0);
  });
});
