// The list+watch loop against the API emulator (in process, HTTP): pages, events,
// label selectors, and every fault: a cut stream, 410 Gone, a stalled stream, 500s,
// a rotated token (401), a restart with a new version history, a hang, a clean end.
// Only list and watch requests are ever made.

import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../src/k8s/client.js';
import type { Timings } from '../../src/k8s/env.js';
import { ApiHealth } from '../../src/k8s/health.js';
import { Reflector, type Change, type Sink } from '../../src/k8s/reflector.js';
import { capturingLogger, connect, writeKubeconfig } from '../support/k8s-api/client.js';
import { service } from '../support/k8s-api/objects.js';
import { ApiEmulator, type EmulatorOptions } from '../support/k8s-api/server.js';
import { waitFor } from '../support/k8s-api/wait.js';

const TIMINGS: Timings = { idleTimeoutMs: 400, backoffBaseMs: 10, backoffMaxMs: 100 };

interface Item { readonly key: string; readonly ip: string }

/** Keeps services by namespace/name, with their cluster IP. */
class Recorder implements Sink<Item> {
  readonly items = new Map<string, string>();
  replaces = 0;
  decode(raw: Record<string, unknown>): Item {
    const m = raw.metadata as { namespace: string; name: string };
    return { key: `${m.namespace}/${m.name}`, ip: String((raw.spec as { clusterIP?: string }).clusterIP) };
  }
  replace(items: Item[]): void {
    this.replaces++;
    this.items.clear();
    for (const i of items) this.items.set(i.key, i.ip);
  }
  apply(changes: readonly Change<Item>[]): void {
    for (const c of changes) {
      if (c.type === 'upsert') this.items.set(c.item.key, c.item.ip);
      else this.items.delete(`${c.namespace}/${c.name}`);
    }
  }
}

describe('k8s reflector (list+watch against the API emulator)', function () {
  this.timeout(15_000);
  let dir: string;
  let api: ApiEmulator;
  let reflector: Reflector<Item>;
  let sink: Recorder;
  let health: ApiHealth;
  let lines: Record<string, unknown>[];
  let synced: number;

  async function start(opts: EmulatorOptions = {}, labelSelector?: string, seed: () => void = () => {}): Promise<void> {
    api = await ApiEmulator.start({ tokens: ['t1'], bookmarkMs: 100, ...opts });
    seed();
    const conn = await connect(dir, api, 't1');
    const logger = capturingLogger();
    lines = logger.lines;
    health = new ApiHealth(logger.log);
    sink = new Recorder();
    synced = 0;
    reflector = new Reflector({ name: 'services', path: '/api/v1/services', kind: 'Service', labelSelector },
      new ApiClient(conn, TIMINGS.idleTimeoutMs, health.count), conn, sink, health, logger.log, TIMINGS, () => synced++);
    reflector.start();
    await waitFor(() => synced === 1 && api.openWatches === 1, 'the first list and a watch');
  }

  const ip = (key: string): string | undefined => sink.items.get(key);

  before(() => { dir = mkdtempSync(join(tmpdir(), 'kdns-reflector-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await reflector?.stop();
    const verbs = new Set(api.requests.map((r) => r.verb));
    await api?.close();
    expect([...verbs].filter((v) => v !== 'list' && v !== 'watch'), 'verbs other than list and watch').to.deep.equal([]);
  });

  it('lists every page, then follows ADDED, MODIFIED and DELETED', async () => {
    await start({}, undefined, () => {
      for (let i = 0; i < 1201; i++) api.state.put(service('ns', `s${i}`, { clusterIP: `10.1.${i >> 8}.${i & 255}` }));
    });
    expect(sink.items.size).to.equal(1201);
    expect(api.count('list'), 'pages of 500').to.equal(3);
    api.state.put(service('ns', 'new', { clusterIP: '10.9.0.1' }));
    api.state.put(service('ns', 's0', { clusterIP: '10.9.0.2' }));
    api.state.remove('Service', 'ns', 's1');
    await waitFor(() => ip('ns/new') === '10.9.0.1' && ip('ns/s0') === '10.9.0.2' && ip('ns/s1') === undefined, 'the three changes');
    expect(sink.items.size).to.equal(1201);
    const watch = api.requests.find((r) => r.verb === 'watch')!;
    expect(watch.query).to.include({ allowWatchBookmarks: 'true', resourceVersion: '2201' });
    expect(Number(watch.query.timeoutSeconds)).to.be.within(300, 599);
  });

  it('sends the label selector: objects entering or leaving the selection are added or deleted', async () => {
    await start({}, 'app=web', () => {
      api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1', labels: { app: 'web' } }));
      api.state.put(service('ns', 'b', { clusterIP: '10.0.0.2', labels: { app: 'db' } }));
    });
    expect([...sink.items.keys()]).to.deep.equal(['ns/a']);
    expect(api.requests[0]!.query.labelSelector).to.equal('app=web');
    api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1', labels: { app: 'db' } }));
    api.state.put(service('ns', 'b', { clusterIP: '10.0.0.2', labels: { app: 'web' } }));
    await waitFor(() => sink.items.size === 1 && ip('ns/b') === '10.0.0.2', 'a out, b in');
  });

  it('resumes a cut watch from its last resourceVersion, without listing again', async () => {
    await start({}, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    api.state.put(service('ns', 'b', { clusterIP: '10.0.0.2' }));
    await waitFor(() => ip('ns/b') === '10.0.0.2', 'b');
    const seen = api.state.rv;
    expect(api.dropWatches()).to.equal(1);
    api.state.put(service('ns', 'c', { clusterIP: '10.0.0.3' }));
    api.state.remove('Service', 'ns', 'a');
    await waitFor(() => ip('ns/c') === '10.0.0.3' && ip('ns/a') === undefined, 'the changes made while cut off');
    expect(api.count('list')).to.equal(1);
    const resumed = api.requests.filter((r) => r.verb === 'watch')[1]!;
    expect(Number(resumed.query.resourceVersion)).to.be.within(seen, seen + 2);
    expect(health.interruptions).to.equal(1);
    expect(health.outages, 'a cut stream is no outage').to.equal(0);
  });

  it('410 Gone: lists again, and what was deleted meanwhile goes', async () => {
    await start({}, undefined, () => {
      api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' }));
      api.state.put(service('ns', 'b', { clusterIP: '10.0.0.2' }));
    });
    api.stallWatches();
    api.state.remove('Service', 'ns', 'a');
    api.state.put(service('ns', 'b', { clusterIP: '10.0.0.22' }));
    api.compact();
    api.dropWatches();
    await waitFor(() => sink.replaces === 2, 'a second list');
    expect([...sink.items]).to.deep.equal([['ns/b', '10.0.0.22']]);
    expect(health.relists).to.equal(1);
    expect(lines.some((l) => String(l.msg).includes('listing again'))).to.equal(true);
  });

  it('a stalled watch (no event, no bookmark) is dropped by the watchdog and made again', async () => {
    await start({}, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    api.stallWatches();
    api.state.put(service('ns', 'a', { clusterIP: '10.0.0.9' }));
    await waitFor(() => ip('ns/a') === '10.0.0.9', 'the change made during the stall', 5000);
    expect(health.interruptions).to.equal(1);
    expect(lines.some((l) => l.reason === 'Stalled')).to.equal(true);
    expect(api.count('list')).to.equal(1);
  });

  it('500s: retries with backoff, logs one outage, recovers and converges', async () => {
    await start({}, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    api.failWith(500);
    api.dropWatches();
    await waitFor(() => api.requests.filter((r) => r.status === 500).length >= 3, 'three failed attempts');
    expect(health.reachable).to.equal(false);
    expect(ip('ns/a'), 'the last state is kept').to.equal('10.0.0.1');
    api.state.put(service('ns', 'a', { clusterIP: '10.0.0.2' }));
    api.failWith(undefined);
    await waitFor(() => ip('ns/a') === '10.0.0.2' && health.reachable, 'recovery');
    expect(health.outages).to.equal(1);
    expect(health.requests.get('500')).to.be.at.least(3);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors.map((l) => l.msg)).to.have.length(1);
    expect(String(errors[0]!.msg)).to.contain('unreachable');
    expect(lines.some((l) => String(l.msg).includes('reachable again'))).to.equal(true);
  });

  it('401: reads the credentials again (a rotated token) and goes on', async () => {
    await start({}, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    api.setTokens('t2');
    writeKubeconfig(dir, api, 't2');
    api.dropWatches();
    api.state.put(service('ns', 'a', { clusterIP: '10.0.0.2' }));
    await waitFor(() => ip('ns/a') === '10.0.0.2', 'the change, with the new token');
    expect(api.requests.some((r) => r.status === 401)).to.equal(true);
  });

  it('a restart with a new version history: lists again and converges, deletions while down included', async () => {
    await start({}, undefined, () => {
      api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' }));
      api.state.put(service('ns', 'b', { clusterIP: '10.0.0.2' }));
    });
    await api.down();
    api.state.remove('Service', 'ns', 'a');
    api.state.put(service('ns', 'c', { clusterIP: '10.0.0.3' }));
    await waitFor(() => !health.reachable, 'the outage to be seen');
    expect(sink.items.size, 'the last state is kept while down').to.equal(2);
    await api.up({ newHistory: true });
    await waitFor(() => sink.replaces === 2 && health.reachable, 'a new list');
    expect(Object.fromEntries(sink.items)).to.deep.equal({ 'ns/b': '10.0.0.2', 'ns/c': '10.0.0.3' });
  });

  it('a hung server: requests left unanswered are given up and made again', async () => {
    await start({}, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    api.hang();
    await waitFor(() => api.requests.filter((r) => r.status === 0).length >= 2, 'a held request made again', 5000);
    api.state.put(service('ns', 'a', { clusterIP: '10.0.0.2' }));
    api.resume();
    await waitFor(() => ip('ns/a') === '10.0.0.2', 'the change after the hang');
  });

  it('a watch the server ends cleanly is made again at once from its version', async () => {
    await start({ watchLimitMs: 100 }, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    await waitFor(() => api.count('watch') >= 4, 'three more watches');
    expect(api.count('list')).to.equal(1);
    expect(health.interruptions + health.failures).to.equal(0);
  });

  it('a server that answers every watch with 410 is listed again at growing intervals, not in a loop', async () => {
    await start({}, undefined, () => { api.state.put(service('ns', 'a', { clusterIP: '10.0.0.1' })); });
    api.expireWatches(true);
    api.dropWatches();
    await new Promise((r) => setTimeout(r, 1000));
    const lists = api.count('list');
    // Delays of 5-10, 10-20, 20-40, 40-80, then 50-100 ms: at most about 20 lists in a second.
    expect(lists).to.be.within(4, 25);
    api.expireWatches(false);
    api.state.put(service('ns', 'a', { clusterIP: '10.0.0.2' }));
    await waitFor(() => ip('ns/a') === '10.0.0.2', 'the change once watches work again');
  });

  it('stop() closes every connection', async () => {
    await start();
    await reflector.stop();
    await waitFor(() => api.openSockets === 0 && api.openWatches === 0, 'no connection left');
  });
});
