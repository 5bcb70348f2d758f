// ClusterStore: every ClusterView lookup after a sequence of changes, and when
// version, serial and listeners move. Lookups are written as text ("ip 10.0.0.1")
// and their results as sorted "namespace/name" strings.

import { expect } from 'chai';
import { pino } from 'pino';
import type {
  SlimEndpoint, SlimEndpointSlice, SlimNamespace, SlimPod, SlimService,
} from '../../../src/plugins/kubernetes/objects.js';
import { ClusterStore } from '../../../src/plugins/kubernetes/store.js';

const HTTP = { name: 'http', protocol: 'TCP', port: 80 };

function ns(name: string): SlimNamespace {
  return { name, labels: {} };
}

function svc(namespace: string, name: string, clusterIPs: string[] = []): SlimService {
  return { namespace, name, kind: clusterIPs.length ? 'ClusterIP' : 'Headless', clusterIPs, externalName: '', ports: [HTTP] };
}

function ep(ip: string, hostname?: string, ready = true): SlimEndpoint {
  return { addresses: [ip], hostname, podName: undefined, ready };
}

function slice(namespace: string, name: string, service: string, endpoints: SlimEndpoint[], addressType: SlimEndpointSlice['addressType'] = 'IPv4'): SlimEndpointSlice {
  return { namespace, name, service, addressType, endpoints, ports: [HTTP] };
}

function pod(namespace: string, name: string, ips: string[], deleting = false): SlimPod {
  return { namespace, name, ips, deleting };
}

/** Runs one lookup written as "<what> <args>" and renders its result as sorted strings. */
function lookup(s: ClusterStore, query: string): string[] {
  const [what, a = '', b = ''] = query.split(' ');
  switch (what) {
    case 'ns': return s.namespace(a) ? [a] : [];
    case 'svc': { const v = s.service(a, b); return v ? [`${v.namespace}/${v.name} ${v.clusterIPs.join(',')}`] : []; }
    case 'slices': return s.slices(a, b).map((v) => `${v.namespace}/${v.name}`).sort();
    case 'svcip': return s.servicesByClusterIP(a).map((v) => `${v.namespace}/${v.name}`).sort();
    case 'ip': return s.endpointsByIP(a).map((h) => `${h.slice.namespace}/${h.slice.name}${h.endpoint.hostname ? `#${h.endpoint.hostname}` : ''}`).sort();
    case 'pod': return s.podsByIP(a).map((v) => `${v.namespace}/${v.name}`).sort();
    default: throw new Error(`unknown lookup ${query}`);
  }
}

interface Case {
  name: string;
  run: (s: ClusterStore) => void;
  /** Lookup -> wanted result ([] for nothing). */
  want: Record<string, string[]>;
}

const cases: Case[] = [
  {
    name: 'every index after upserts',
    run: (s) => {
      s.upsertNamespace(ns('default'));
      s.upsertService(svc('default', 'web', ['10.96.0.5', 'fd00::5']));
      s.upsertSlice(slice('default', 'web-a', 'web', [ep('10.244.0.1'), ep('10.244.0.2', 'h2')]));
      s.upsertSlice(slice('default', 'web-b', 'web', [ep('10.244.0.3')]));
      s.upsertPod(pod('default', 'p1', ['10.244.0.1', 'fd00::1']));
    },
    want: {
      'ns default': ['default'], 'ns other': [],
      'svc default web': ['default/web 10.96.0.5,fd00::5'], 'svc default nope': [],
      'slices default web': ['default/web-a', 'default/web-b'], 'slices default nope': [],
      'svcip 10.96.0.5': ['default/web'], 'svcip fd00::5': ['default/web'], 'svcip 10.96.0.6': [],
      'ip 10.244.0.1': ['default/web-a'], 'ip 10.244.0.2': ['default/web-a#h2'], 'ip 10.244.0.3': ['default/web-b'],
      'pod 10.244.0.1': ['default/p1'], 'pod fd00::1': ['default/p1'], 'pod 10.244.0.2': [],
    },
  },
  {
    name: 'upserting a slice moves its addresses',
    run: (s) => {
      s.upsertSlice(slice('default', 'web-a', 'web', [ep('10.244.0.1'), ep('10.244.0.2')]));
      s.upsertSlice(slice('default', 'web-a', 'web', [ep('10.244.0.2'), ep('10.244.0.9')]));
    },
    want: { 'ip 10.244.0.1': [], 'ip 10.244.0.2': ['default/web-a'], 'ip 10.244.0.9': ['default/web-a'], 'slices default web': ['default/web-a'] },
  },
  {
    name: 'upserting a slice with another service label moves it between services',
    run: (s) => {
      s.upsertSlice(slice('default', 'x', 'old', [ep('10.244.0.1')]));
      s.upsertSlice(slice('default', 'x', 'new', [ep('10.244.0.1')]));
    },
    want: { 'slices default old': [], 'slices default new': ['default/x'], 'ip 10.244.0.1': ['default/x'] },
  },
  {
    name: 'one address in slices of two services',
    run: (s) => {
      s.upsertSlice(slice('default', 'a', 'a', [ep('10.244.0.1', 'x')]));
      s.upsertSlice(slice('other', 'b', 'b', [ep('10.244.0.1', 'y')]));
      s.upsertSlice(slice('default', 'c', 'c', [ep('10.244.0.2')]));
      s.removeSlice('default', 'c');
    },
    want: { 'ip 10.244.0.1': ['default/a#x', 'other/b#y'], 'ip 10.244.0.2': [], 'slices default c': [] },
  },
  {
    name: 'an address held by two endpoints of one slice gives two hits',
    run: (s) => s.upsertSlice(slice('default', 'a', 'a', [ep('10.244.0.1', 'x'), ep('10.244.0.1', 'y')])),
    want: { 'ip 10.244.0.1': ['default/a#x', 'default/a#y'] },
  },
  {
    name: 'FQDN slices are listed for their service but have no addresses to look up',
    run: (s) => s.upsertSlice(slice('default', 'f', 'ext', [ep('backend.example.com.')], 'FQDN')),
    want: { 'slices default ext': ['default/f'], 'ip backend.example.com.': [] },
  },
  {
    name: 'removing a service drops its cluster IPs',
    run: (s) => {
      s.upsertService(svc('default', 'web', ['10.96.0.5', 'fd00::5']));
      s.upsertService(svc('default', 'db', ['10.96.0.6']));
      s.removeService('default', 'web');
      s.removeService('default', 'never-there');
    },
    want: { 'svc default web': [], 'svcip 10.96.0.5': [], 'svcip fd00::5': [], 'svcip 10.96.0.6': ['default/db'] },
  },
  {
    name: 'a cluster IP held by two services (mid-update) keeps the other when one changes',
    run: (s) => {
      s.upsertService(svc('default', 'a', ['10.96.0.5']));
      s.upsertService(svc('default', 'b', ['10.96.0.5']));
      s.upsertService(svc('default', 'a', ['10.96.0.7']));
    },
    want: { 'svcip 10.96.0.5': ['default/b'], 'svcip 10.96.0.7': ['default/a'] },
  },
  {
    name: 'a pod whose IP changes, and a removed pod',
    run: (s) => {
      s.upsertPod(pod('default', 'p1', ['10.244.0.1']));
      s.upsertPod(pod('default', 'p2', ['10.244.0.2']));
      s.upsertPod(pod('default', 'p1', ['10.244.0.5']));
      s.removePod('default', 'p2');
    },
    want: { 'pod 10.244.0.1': [], 'pod 10.244.0.5': ['default/p1'], 'pod 10.244.0.2': [] },
  },
  {
    name: 'removing a namespace',
    run: (s) => { s.upsertNamespace(ns('a')); s.upsertNamespace(ns('b')); s.removeNamespace('a'); },
    want: { 'ns a': [], 'ns b': ['b'] },
  },
  {
    name: 'replaceAll removes what is missing and keeps the rest',
    run: (s) => {
      s.upsertNamespace(ns('a'));
      s.upsertService(svc('default', 'keep', ['10.96.0.1']));
      s.upsertService(svc('default', 'gone', ['10.96.0.2']));
      s.upsertSlice(slice('default', 'gone-a', 'gone', [ep('10.244.0.2')]));
      s.upsertPod(pod('default', 'gone', ['10.244.0.2']));
      s.replaceAll('Namespace', [ns('b')]);
      s.replaceAll('Service', [svc('default', 'keep', ['10.96.0.1']), svc('other', 'new', ['10.96.0.3'])]);
      s.replaceAll('EndpointSlice', []);
      s.replaceAll('Pod', [pod('default', 'p', ['10.244.0.9'])]);
    },
    want: {
      'ns a': [], 'ns b': ['b'], 'svcip 10.96.0.1': ['default/keep'], 'svcip 10.96.0.2': [], 'svcip 10.96.0.3': ['other/new'],
      'slices default gone': [], 'ip 10.244.0.2': [], 'pod 10.244.0.2': [], 'pod 10.244.0.9': ['default/p'],
    },
  },
  {
    name: 'replaceAll with the same name twice: the last wins',
    run: (s) => s.replaceAll('Service', [svc('default', 'web', ['10.96.0.1']), svc('default', 'web', ['10.96.0.2'])]),
    want: { 'svcip 10.96.0.1': [], 'svcip 10.96.0.2': ['default/web'] },
  },
];

describe('kubernetes ClusterStore', () => {
  for (const c of cases) {
    it(c.name, () => {
      const s = new ClusterStore();
      c.run(s);
      for (const [query, want] of Object.entries(c.want)) expect(lookup(s, query), query).to.deep.equal(want);
    });
  }

  it('an identical upsert (an equal copy) keeps the version; a change bumps it', () => {
    const s = new ClusterStore();
    s.upsertService(svc('default', 'web', ['10.96.0.5']));
    s.upsertSlice(slice('default', 'web-a', 'web', [ep('10.244.0.1')]));
    s.upsertPod(pod('default', 'p', ['10.244.0.1']));
    s.upsertNamespace(ns('default'));
    const v = s.version;
    s.upsertService(svc('default', 'web', ['10.96.0.5']));
    s.upsertSlice(slice('default', 'web-a', 'web', [ep('10.244.0.1')]));
    s.upsertPod(pod('default', 'p', ['10.244.0.1']));
    s.upsertNamespace(ns('default'));
    s.removeService('default', 'nope');
    s.replaceAll('Service', [svc('default', 'web', ['10.96.0.5'])]);
    expect(s.version).to.equal(v);
    s.upsertSlice(slice('default', 'web-a', 'web', [ep('10.244.0.1', undefined, false)]));
    expect(s.version).to.equal(v + 1);
  });

  it('a batch bumps the version and calls listeners once; serial rises even within one second', () => {
    const s = new ClusterStore();
    let calls = 0;
    s.onChange(() => calls++);
    const serial0 = s.serial;
    s.batch(() => {
      s.upsertService(svc('default', 'a', ['10.96.0.1']));
      s.upsertService(svc('default', 'b', ['10.96.0.2']));
      s.batch(() => s.upsertService(svc('default', 'c', ['10.96.0.3'])));
      expect(calls, 'no call inside the batch').to.equal(0);
    });
    expect([s.version, calls]).to.deep.equal([1, 1]);
    const serial1 = s.serial;
    s.upsertService(svc('default', 'd', ['10.96.0.4']));
    expect([s.version, calls]).to.deep.equal([2, 2]);
    expect(serial1).to.be.greaterThan(serial0);
    expect(s.serial).to.be.greaterThan(serial1);
    s.batch(() => s.upsertService(svc('default', 'd', ['10.96.0.4'])));
    expect([s.version, calls], 'a batch without change').to.deep.equal([2, 2]);
  });

  it('markSynced: synced once, as a change', () => {
    const s = new ClusterStore();
    let calls = 0;
    s.onChange(() => calls++);
    expect(s.synced).to.equal(false);
    s.markSynced();
    s.markSynced();
    expect([s.synced, s.version, calls]).to.deep.equal([true, 1, 1]);
  });

  it('a listener that throws reaches neither the writer nor the other listeners; unsubscribe works', () => {
    const logged: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => { logged.push(line); } });
    const s = new ClusterStore(log);
    let calls = 0;
    s.onChange(() => { throw new Error('boom'); });
    const off = s.onChange(() => calls++);
    expect(() => s.upsertNamespace(ns('a'))).to.not.throw();
    expect(calls).to.equal(1);
    expect(logged).to.have.length(1);
    expect(logged[0]).to.include('boom');
    off();
    s.upsertNamespace(ns('b'));
    expect(calls).to.equal(1);
  });

  it('lookups hand out arrays that later changes do not alter', () => {
    const s = new ClusterStore();
    s.upsertSlice(slice('default', 'a', 'web', [ep('10.244.0.1')]));
    const before = s.slices('default', 'web');
    s.upsertSlice(slice('default', 'b', 'web', [ep('10.244.0.2')]));
    expect(before.map((x) => x.name)).to.deep.equal(['a']);
    expect(s.slices('default', 'web').map((x) => x.name)).to.deep.equal(['a', 'b']);
  });
});
