import { expect } from 'chai';
import { plugin } from '../../../src/plugins/ready/setup.js';
import { Instance, type Readiness } from '../../../src/server/instance.js';
import { httpGet } from '../../support/http.js';
import { freePort } from '../../support/kdns.js';
import { line } from '../../support/lines.js';

/** Plugins whose readiness a test flips. */
class Flags {
  readonly state = new Map<string, boolean>();
  private readonly list: Readiness[] = [];
  register(instance: Instance, name: string): void {
    if (!this.state.has(name)) this.state.set(name, false);
    this.list.push({ name, ready: () => this.state.get(name)! });
    instance.setReadiness(this.list);
  }
}

describe('ready', () => {
  let instance: Instance;
  let flags: Flags;

  async function serve(options = ''): Promise<string> {
    const address = `127.0.0.1:${await freePort()}`;
    const inst = await plugin.setup(line(`ready ${address}${options}`), { zones: ['.'], port: 53, instance });
    await inst.start!();
    await instance.startHttp();
    return `http://${address}/ready`;
  }

  beforeEach(() => {
    instance = new Instance();
    flags = new Flags();
    // The same plugin in two server blocks reports as one name.
    flags.register(instance, 'kubernetes');
    flags.register(instance, 'kubernetes');
    flags.register(instance, 'hosts');
  });
  afterEach(() => instance.stopHttp());

  it('lists the plugins not ready, sorted and comma-separated, until all are ready', async () => {
    const url = await serve();
    expect(await httpGet(url)).to.deep.equal({ status: 503, body: 'hosts,kubernetes' });
    flags.state.set('kubernetes', true);
    expect(await httpGet(url)).to.deep.equal({ status: 503, body: 'hosts' });
    flags.state.set('hosts', true);
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    // until-ready (the default): a plugin that was ready is not asked again.
    flags.state.set('kubernetes', false);
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
  });

  it('asks every time with "monitor continuously"', async () => {
    const url = await serve(' {\n  monitor continuously\n}');
    flags.state.set('kubernetes', true);
    flags.state.set('hosts', true);
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    flags.state.set('kubernetes', false);
    expect(await httpGet(url)).to.deep.equal({ status: 503, body: 'kubernetes' });
  });

  it('fails with "Shutting down" once shutdown begins', async () => {
    const url = await serve();
    flags.state.set('kubernetes', true);
    flags.state.set('hosts', true);
    expect(await httpGet(url)).to.deep.equal({ status: 200, body: 'OK' });
    instance.shuttingDown = true;
    expect(await httpGet(url)).to.deep.equal({ status: 503, body: 'Shutting down' });
  });

  it('answers 200 OK when no plugin can be not ready', async () => {
    instance = new Instance();
    expect(await httpGet(await serve())).to.deep.equal({ status: 200, body: 'OK' });
  });
});
