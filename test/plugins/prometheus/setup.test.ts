import { expect } from 'chai';
import type { PrometheusConfig } from '../../../src/plugins/prometheus/prometheus.js';
import { parse } from '../../../src/plugins/prometheus/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('prometheus setup', () => {
  const good: { corefile: string; want: PrometheusConfig }[] = [
    { corefile: 'prometheus', want: { address: 'localhost:9153' } },
    { corefile: 'prometheus :9153', want: { address: ':9153' } },
    { corefile: 'prometheus 127.0.0.1:9253', want: { address: '127.0.0.1:9253' } },
    { corefile: 'prometheus [::1]:9153', want: { address: '[::1]:9153' } },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'prometheus :9153 :9154', line: 1, msg: 'prometheus takes 0 to 1 argument, got 2' },
    { corefile: 'prometheus 9153', line: 1, msg: "bad address '9153'" },
    { corefile: 'prometheus :70000', line: 1, msg: "bad port in ':70000'" },
    { corefile: 'prometheus {\n  tls cert.pem key.pem\n}', line: 2, msg: "unknown property 'tls'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/prometheus: ${c.msg}`);
    });
  }
});
