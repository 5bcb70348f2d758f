import { expect } from 'chai';
import { defaultConfig, type CacheConfig } from '../../../src/plugins/cache/config.js';
import { parse } from '../../../src/plugins/cache/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const BLOCK = ['example.org.', 'example.net.'];

/** The default config for the block's zones, with `change` applied. */
function want(change: (c: CacheConfig) => void, zones: string[] = BLOCK): CacheConfig {
  const c = defaultConfig([...zones]);
  change(c);
  return c;
}

describe('cache setup', () => {
  const good: { corefile: string; want: CacheConfig }[] = [
    { corefile: 'cache', want: want(() => undefined) },
    { corefile: 'cache 30', want: want((c) => { c.success.maxTtl = 30; c.denial.maxTtl = 30; }) },
    { corefile: 'cache example.org', want: want(() => undefined, ['example.org.']) },
    { corefile: 'cache 300 Example.ORG 10.0.0.0/24', want: want((c) => { c.success.maxTtl = 300; c.denial.maxTtl = 300; },
      ['example.org.', '0.0.10.in-addr.arpa.']) },
    { corefile: 'cache {\n  success 5000\n}', want: want((c) => { c.success.capacity = 5000; }) },
    { corefile: 'cache 30 {\n  success 5000 60 10\n}', want: want((c) => {
      c.success = { capacity: 5000, maxTtl: 60, minTtl: 10, disabled: [] }; c.denial.maxTtl = 30;
    }) },
    // Below CoreDNS's smallest cache, the size is its smallest.
    { corefile: 'cache {\n  denial 10 5 0\n}', want: want((c) => { c.denial = { capacity: 1024, maxTtl: 5, minTtl: 0, disabled: [] }; }) },
    { corefile: 'cache {\n  prefetch 10\n}', want: want((c) => { c.prefetch = 10; }) },
    { corefile: 'cache {\n  prefetch 10 1m30s 25%\n}', want: want((c) => {
      c.prefetch = 10; c.prefetchWindow = 90_000; c.prefetchPercent = 25;
    }) },
    { corefile: 'cache {\n  serve_stale\n}', want: want((c) => { c.staleUpTo = 3_600_000; }) },
    { corefile: 'cache {\n  serve_stale 10m verify\n}', want: want((c) => { c.staleUpTo = 600_000; c.staleMode = 'verify'; }) },
    { corefile: 'cache {\n  serve_stale 0s immediate\n}', want: want((c) => { c.staleUpTo = 0; }) },
    { corefile: 'cache {\n  servfail 0\n}', want: want((c) => { c.servfailTtl = 0; }) },
    { corefile: 'cache {\n  servfail 5m\n}', want: want((c) => { c.servfailTtl = 300; }) },
    { corefile: 'cache {\n  disable success cluster.local\n  disable denial cluster.local in-addr.arpa\n}', want: want((c) => {
      c.success.disabled = ['cluster.local.']; c.denial.disabled = ['cluster.local.', 'in-addr.arpa.'];
    }) },
    { corefile: 'cache example.org {\n  disable denial\n}', want: want((c) => { c.denial.disabled = ['example.org.']; }, ['example.org.']) },
    { corefile: 'cache {\n  keepttl\n}', want: want((c) => { c.keepTtl = true; }) },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile), BLOCK)).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'cache 0', line: 1, msg: 'cache TTL can not be zero or negative: 0' },
    { corefile: 'cache -30', line: 1, msg: 'cache TTL can not be zero or negative: -30' },
    { corefile: 'cache example.org:53', line: 1, msg: "zone 'example.org:53' takes no port" },
    { corefile: 'cache {\n  success\n}', line: 2, msg: 'success takes 1 to 3 arguments, got 0' },
    { corefile: 'cache {\n  success 1 2 3 4\n}', line: 2, msg: 'success takes 1 to 3 arguments, got 4' },
    { corefile: 'cache {\n  success many\n}', line: 2, msg: "capacity must be an integer: 'many'" },
    { corefile: 'cache {\n  success -1\n}', line: 2, msg: 'cache capacity can not be negative: -1' },
    { corefile: 'cache {\n  denial 100 0\n}', line: 2, msg: 'cache TTL can not be zero or negative: 0' },
    { corefile: 'cache {\n  denial 100 10 -1\n}', line: 2, msg: 'cache min TTL can not be negative: -1' },
    { corefile: 'cache {\n  prefetch\n}', line: 2, msg: 'prefetch takes 1 to 3 arguments, got 0' },
    { corefile: 'cache {\n  prefetch -1\n}', line: 2, msg: 'prefetch amount should be positive: -1' },
    { corefile: 'cache {\n  prefetch 2 soon\n}', line: 2, msg: "invalid prefetch duration 'soon'" },
    { corefile: 'cache {\n  prefetch 2 1m 20\n}', line: 2, msg: "last character of percentage should be '%', but is: '0'" },
    { corefile: 'cache {\n  prefetch 2 1m 5%\n}', line: 2, msg: 'percentage should fall in range [10, 90]: 5' },
    { corefile: 'cache {\n  prefetch 2 1m 95%\n}', line: 2, msg: 'percentage should fall in range [10, 90]: 95' },
    { corefile: 'cache {\n  serve_stale 1h later\n}', line: 2, msg: 'invalid value for serve_stale refresh mode: later' },
    { corefile: 'cache {\n  serve_stale 1h verify 3\n}', line: 2, msg: 'serve_stale takes 0 to 2 arguments, got 3' },
    { corefile: 'cache {\n  serve_stale forever\n}', line: 2, msg: "invalid serve_stale duration 'forever'" },
    { corefile: 'cache {\n  servfail\n}', line: 2, msg: 'servfail takes 1 argument, got 0' },
    { corefile: 'cache {\n  servfail 6m\n}', line: 2, msg: 'caching SERVFAIL responses over 5 minutes is not permitted' },
    { corefile: 'cache {\n  disable\n}', line: 2, msg: 'disable takes at least 1 argument' },
    { corefile: 'cache {\n  disable everything\n}', line: 2, msg: 'cache type for disable must be "success" or "denial"' },
    { corefile: 'cache {\n  keepttl 10\n}', line: 2, msg: 'keepttl takes 0 arguments, got 1' },
    { corefile: 'cache {\n  success 100\n  nope\n}', line: 3, msg: "unknown property 'nope'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile), BLOCK), c.line, `plugin/cache: ${c.msg}`);
    });
  }
});
