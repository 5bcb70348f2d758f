// Instance's HTTP listeners across configs (a reload): staged routes go live
// together; addresses that stay keep their listener, others open or close; a
// config whose new address cannot be opened changes nothing.

import { expect } from 'chai';
import { createServer } from 'node:http';
import type { HttpHandler } from '../../src/server/instance.js';
import { Instance } from '../../src/server/instance.js';
import { freePort } from '../support/kdns.js';

const says = (text: string): HttpHandler => (_req, res) => { res.end(text); };

async function get(address: string, path: string): Promise<string> {
  try {
    const res = await fetch(`http://${address}${path}`);
    return `${res.status} ${await res.text()}`;
  } catch {
    return 'refused';
  }
}

describe('instance HTTP listeners across configs', () => {
  let instance: Instance;
  let a: string, b: string;

  beforeEach(async () => {
    instance = new Instance();
    [a, b] = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  });
  afterEach(() => instance.stopHttp());

  it('serves the routes of the config in effect only', async () => {
    instance.httpRoute(a, '/health', says('old'));
    expect(await get(a, '/health'), 'staged, not live yet').to.equal('refused');
    await instance.startHttp();
    expect(await get(a, '/health')).to.equal('200 old');

    instance.httpRoute(a, '/ready', says('new'));
    instance.httpRoute(b, '/metrics', says('metrics'));
    expect(await get(a, '/health'), 'the running config until the swap').to.equal('200 old');
    await instance.startHttp();
    expect(await get(a, '/health')).to.match(/^404/);
    expect(await get(a, '/ready')).to.equal('200 new');
    expect(await get(b, '/metrics')).to.equal('200 metrics');

    instance.httpRoute(b, '/metrics', says('metrics 2'));
    await instance.startHttp();
    expect(await get(a, '/ready'), 'an address no longer used closes').to.equal('refused');
    expect(await get(b, '/metrics')).to.equal('200 metrics 2');
  });

  it('changes nothing when a new address cannot be opened', async () => {
    instance.httpRoute(a, '/health', says('old'));
    await instance.startHttp();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(Number(b.split(':')[1]), '127.0.0.1', resolve));
    try {
      instance.httpRoute(b, '/metrics', says('metrics'));
      let err: unknown;
      try { await instance.startHttp(); } catch (e) { err = e; }
      expect((err as { code?: string }).code).to.equal('KDNS_ERR_LISTEN');
      instance.discardHttp();
      expect(await get(a, '/health')).to.equal('200 old');
      // The next config starts from an empty stage, not from the failed one's routes.
      instance.httpRoute(a, '/health', says('next'));
      await instance.startHttp();
      expect(await get(a, '/health')).to.equal('200 next');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
