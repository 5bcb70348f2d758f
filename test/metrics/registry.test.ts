import { expect } from 'chai';
import { follow } from '../../src/metrics/metric.js';
import { Metrics } from '../../src/metrics/registry.js';

/** The lines of our own families (the process metrics of prom-client follow them). */
async function ownLines(m: Metrics): Promise<string[]> {
  const text = await m.expose();
  return text.split('\n').filter((l) => /^(# (HELP|TYPE) )?(t_|coredns_)/.test(l));
}

describe('metrics registry', () => {
  it('exposes counters, gauges and histograms in the Prometheus text format', async () => {
    const m = new Metrics();
    const c = m.counter('t_requests_total', 'Requests.', ['zone', 'type']);
    c.labels('cluster.local.', 'A').inc();
    c.labels('cluster.local.', 'A').inc(2);
    c.labels('quote"back\\slash\nnewline', 'AAAA').inc();
    m.gauge('t_entries', 'Entries\\now.').labels().set(-3);
    const h = m.histogram('t_duration_seconds', 'Duration.', ['zone'], [0.001, 0.01]);
    const s = h.labels('.');
    s.observe(0.0005);
    s.observe(0.001); // on a bound: in that bucket (le is "less or equal")
    s.observe(5);
    m.counter('t_unused_total', 'No series, no lines.', ['x']);
    expect(await ownLines(m)).to.deep.equal([
      '# HELP t_requests_total Requests.',
      '# TYPE t_requests_total counter',
      't_requests_total{zone="cluster.local.",type="A"} 3',
      't_requests_total{zone="quote\\"back\\\\slash\\nnewline",type="AAAA"} 1',
      '# HELP t_entries Entries\\\\now.',
      '# TYPE t_entries gauge',
      't_entries -3',
      '# HELP t_duration_seconds Duration.',
      '# TYPE t_duration_seconds histogram',
      't_duration_seconds_bucket{zone=".",le="0.001"} 2',
      't_duration_seconds_bucket{zone=".",le="0.01"} 2',
      't_duration_seconds_bucket{zone=".",le="+Inf"} 3',
      't_duration_seconds_sum{zone="."} 5.0015',
      't_duration_seconds_count{zone="."} 3',
    ]);
  });

  it('includes the process metrics', async () => {
    const text = await new Metrics().expose();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_start_time_seconds']) {
      expect(text).to.match(new RegExp(`^${name} \\d`, 'm'));
    }
  });

  it('gives the same family for the same name (blocks, reloads), and refuses another shape', () => {
    const m = new Metrics();
    const a = m.counter('t_hits_total', 'Hits.', ['server']);
    a.labels('dns://:53').inc();
    expect(m.counter('t_hits_total', 'Hits.', ['server'])).to.equal(a);
    expect(m.counter('t_hits_total', 'Hits.', ['server']).labels('dns://:53').value).to.equal(1);
    expect(() => m.gauge('t_hits_total', 'Hits.', ['server'])).to.throw(TypeError, 'exists as a counter');
    expect(() => m.counter('t_hits_total', 'Hits.', ['zone'])).to.throw(TypeError, 'labels {server}');
    m.histogram('t_h', 'H.', [], [1, 2]);
    expect(() => m.histogram('t_h', 'H.', [], [1, 3])).to.throw(TypeError, 'other buckets');
    expect(() => a.labels()).to.throw(TypeError, 'want 1 label values, got 0');
  });

  it('runs scrape hooks before each scrape, until unsubscribed', async () => {
    const m = new Metrics();
    const g = m.gauge('t_size', 'Size.').labels();
    let size = 7;
    const off = m.onScrape(() => g.set(size));
    expect(await ownLines(m)).to.include('t_size 7');
    size = 9;
    expect(await ownLines(m)).to.include('t_size 9');
    off();
    size = 11;
    expect(await ownLines(m)).to.include('t_size 9');
  });

  it('drops series on remove and reset', async () => {
    const m = new Metrics();
    const g = m.gauge('t_up', 'Up.', ['to']);
    g.labels('a').set(1);
    g.labels('b').set(1);
    g.remove('a');
    expect(await ownLines(m)).to.deep.equal(['# HELP t_up Up.', '# TYPE t_up gauge', 't_up{to="b"} 1']);
    g.reset();
    expect(await ownLines(m)).to.deep.equal([]);
  });

  it('follows a plain running total, and keeps counting when a reload starts a new one at 0', () => {
    const series = new Metrics().counter('t_sent_total', 'Sent.').labels();
    const first = follow(series);
    first(3);
    first(5);
    expect(series.value).to.equal(5);
    const second = follow(series); // the plugin instance of the new config
    second(2);
    expect(series.value).to.equal(7);
  });
});
