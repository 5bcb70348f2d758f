import { expect } from 'chai';
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

  it('shares one address between blocks, and each waits out its lameduck', async () => {
    const a = await setup(instance, `health ${address} {
  lameduck 200ms
}`);
    const b = await setup(instance, `health ${address}`);
    await a.start!();
    await b.start!();
    await instance.startHttp();
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    const t0 = Date.now();
    await Promise.all([a.lameduck!(), b.lameduck!()]);
    expect(Date.now() - t0).to.be.within(190, 1000);
  });
});
