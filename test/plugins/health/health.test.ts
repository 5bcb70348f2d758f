import { expect } from 'chai';
import { lameduckOf } from '../../../src/plugins/health/health.js';
import { plugin } from '../../../src/plugins/health/setup.js';
import type { PluginInstance } from '../../../src/plugins/plugin.js';
import { Instance } from '../../../src/server/instance.js';
import { httpGet } from '../../support/http.js';
import { freePort } from '../../support/kdns.js';
import { line } from '../../support/lines.js';

async function setup(instance: Instance, corefile: string): Promise<PluginInstance> {
  return plugin.setup(line(corefile), { zones: ['.'], port: 53, instance });
}

describe('health', () => {
  let instance: Instance;
  let url: string;
  let address: string;

  beforeEach(async () => {
    instance = new Instance();
    address = `127.0.0.1:${await freePort()}`;
    url = `http://${address}/health`;
  });
  afterEach(() => instance.stopHttp());

  it('answers GET /health with 200 OK, also while shutting down (lameduck)', async () => {
    await (await setup(instance, `health ${address}`)).start!();
    await instance.startHttp();
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    instance.shuttingDown = true;
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    expect((await httpGet(`http://${address}/other`)).status).to.equal(404);
  });

  it('shares one address between blocks, and waits out the longest lameduck', async () => {
    const a = await setup(instance, `health ${address} {\n  lameduck 2s\n}`);
    const b = await setup(instance, `health ${address} {\n  lameduck 5s\n}`);
    expect(lameduckOf(instance), 'before start').to.equal(0);
    await a.start!();
    await b.start!();
    await instance.startHttp();
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    expect(lameduckOf(instance)).to.equal(5000);
    // A reload stops the old config: its lameduck no longer counts.
    await b.stop!();
    expect(lameduckOf(instance)).to.equal(2000);
    expect(lameduckOf(new Instance()), 'another process instance').to.equal(0);
  });
});
