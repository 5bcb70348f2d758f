// Routing a query to the server block of the longest zone it lies in (SPEC §4).

import { expect } from 'chai';
import { Router } from '../../src/server/router.js';

describe('router', () => {
  const router = new Router<string>();
  for (const zone of ['.', 'cluster.local.', 'svc.cluster.local.', 'in-addr.arpa.', 'example.org.']) router.add(zone, zone);

  const cases: [name: string, route: string | undefined][] = [
    ['cluster.local.', 'cluster.local.'],
    ['a.b.svc.cluster.local.', 'svc.cluster.local.'],
    ['svc.cluster.local.', 'svc.cluster.local.'],
    ['pod.cluster.local.', 'cluster.local.'],
    ['xcluster.local.', '.'],
    ['1.0.96.10.in-addr.arpa.', 'in-addr.arpa.'],
    ['www.example.org.', 'example.org.'],
    ['example.com.', '.'],
    ['.', '.'],
    // An escaped dot is inside a label: "a.cluster" is one label under "local.", not under cluster.local.
    ['a\\.cluster.local.', '.'],
    // An escaped backslash ends with a real dot: "a\" is a label of cluster.local.
    ['a\\\\.cluster.local.', 'cluster.local.'],
  ];
  for (const [name, route] of cases) {
    it(`${name} -> ${route}`, () => expect(router.match(name)).to.equal(route));
  }

  it('without a root zone, a name outside every zone has no route', () => {
    const r = new Router<string>();
    r.add('cluster.local.', 'k');
    expect(r.match('example.org.')).to.equal(undefined);
    expect(r.match('local.')).to.equal(undefined);
    expect(r.match('x.cluster.local.')).to.equal('k');
  });
});
