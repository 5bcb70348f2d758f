// SPEC §1, rule by rule: the kubernetes handler's answers, checked in wire form.

import { caseName, checkCase } from '../../support/cases.js';
import { storeFrom } from './cluster.js';
import { ask, handlerFor } from './serve.js';
import { mainCases, MAIN_DIRECTIVE, soa, type KCase } from './table.js';

const Z = 'testns.svc.cluster.local.';
const V6_NOT_SERVED = '6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.';

function runTable(title: string, directive: string, cases: (serial: number) => KCase[], synced = true): void {
  describe(title, () => {
    const store = storeFrom(undefined, synced);
    const h = handlerFor(directive, store);
    for (const c of cases(store.serial)) {
      it(caseName(c), async () => checkCase(await ask(h, c.qname, c.qtype), c));
    }
  });
}

runTable('kubernetes answers (kubeadm-style directive)', MAIN_DIRECTIVE, mainCases);

runTable('kubernetes answers: pods disabled (the default)', 'kubernetes cluster.local', (serial) => [
  { qname: '10-244-1-5.testns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: 'testns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: 'pod.cluster.local.', qtype: 'A', ns: [soa(serial)] },
]);

runTable('kubernetes answers: pods verified', 'kubernetes cluster.local {\n pods verified\n}', (serial) => [
  { qname: '10-244-1-5.testns.pod.cluster.local.', qtype: 'A', answer: ['10-244-1-5.testns.pod.cluster.local. 5 IN A 10.244.1.5'] },
  { qname: 'fd00--5.testns.pod.cluster.local.', qtype: 'AAAA', answer: ['fd00--5.testns.pod.cluster.local. 5 IN AAAA fd00::5'] },
  { qname: '10-244-1-5.testns.pod.cluster.local.', qtype: 'AAAA', ns: [soa(serial)] },
  { qname: '1-2-3-4.testns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  // Being deleted, or in another namespace: not verified.
  { qname: '10-244-1-6.testns.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: '10-244-1-5.default.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: 'testns.pod.cluster.local.', qtype: 'A', ns: [soa(serial)] },
]);

runTable('kubernetes answers: namespaces', 'kubernetes cluster.local in-addr.arpa {\n namespaces testns\n}', (serial) => [
  { qname: `svc1.${Z}`, qtype: 'A', answer: [`svc1.${Z} 5 IN A 10.0.0.1`] },
  { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: 'default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: '1.0.96.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
]);

runTable('kubernetes answers: namespace_labels', 'kubernetes cluster.local {\n namespace_labels env in (prod, staging)\n}', (serial) => [
  { qname: `svc1.${Z}`, qtype: 'A', answer: [`svc1.${Z} 5 IN A 10.0.0.1`] },
  { qname: 'devsvc.devns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: 'devns.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
]);

runTable('kubernetes answers: noendpoints', 'kubernetes cluster.local in-addr.arpa {\n noendpoints\n}', (serial) => [
  { qname: `svc1.${Z}`, qtype: 'A', answer: [`svc1.${Z} 5 IN A 10.0.0.1`] },
  { qname: `hdls1.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: `ep1a.svc1.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: '1.0.0.172.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
  { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.${Z}`] },
  // Without endpoints kdns cannot find its own Service: the apex NS falls back to ns.dns.
  { qname: 'cluster.local.', qtype: 'NS', answer: ['cluster.local. 5 IN NS ns.dns.cluster.local.'],
    extra: ['ns.dns.cluster.local. 5 IN A 10.244.0.5', 'ns.dns.cluster.local. 5 IN AAAA fd00::53'] },
]);

runTable('kubernetes answers: ignore empty_service', 'kubernetes cluster.local in-addr.arpa {\n ignore empty_service\n}', (serial) => [
  { qname: `empty.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: `_http._tcp.empty.${Z}`, qtype: 'SRV', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  { qname: '9.0.0.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
  { qname: `svc1.${Z}`, qtype: 'A', answer: [`svc1.${Z} 5 IN A 10.0.0.1`] },
  { qname: `hdls1.${Z}`, qtype: 'AAAA', answer: [`hdls1.${Z} 5 IN AAAA 5678:abcd::1`, `hdls1.${Z} 5 IN AAAA 5678:abcd::`] },
  { qname: `ext.${Z}`, qtype: 'CNAME', answer: [`ext.${Z} 5 IN CNAME ext.interwebs.test.`] },
]);

runTable('kubernetes answers: endpoint_pod_names', 'kubernetes cluster.local in-addr.arpa {\n endpoint_pod_names\n}', (serial) => [
  { qname: `web-pod-3.hdls1.${Z}`, qtype: 'A', answer: [`web-pod-3.hdls1.${Z} 5 IN A 172.0.0.3`] },
  { qname: `172-0-0-3.hdls1.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
  // A pod name longer than a label: the dashed address.
  { qname: `172-0-0-5.hdls1.${Z}`, qtype: 'A', answer: [`172-0-0-5.hdls1.${Z} 5 IN A 172.0.0.5`] },
  // The hostname still wins.
  { qname: `hdls1-0.hdls1.${Z}`, qtype: 'A', answer: [`hdls1-0.hdls1.${Z} 5 IN A 172.0.0.2`] },
  { qname: '3.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: [`3.0.0.172.in-addr.arpa. 5 IN PTR web-pod-3.hdls1.${Z}`] },
  { qname: 'coredns-1.kube-dns.kube-system.svc.cluster.local.', qtype: 'A',
    answer: ['coredns-1.kube-dns.kube-system.svc.cluster.local. 5 IN A 10.244.0.5'] },
]);

runTable('kubernetes answers: ttl', 'kubernetes cluster.local {\n ttl 30\n}', (serial) => [
  { qname: `svc1.${Z}`, qtype: 'A', answer: [`svc1.${Z} 30 IN A 10.0.0.1`] },
  { qname: `svc1.${Z}`, qtype: 'AAAA', ns: [soa(serial, 'cluster.local.', 30)] },
  { qname: 'cluster.local.', qtype: 'NS', answer: ['cluster.local. 30 IN NS kube-dns.kube-system.svc.cluster.local.'],
    extra: ['kube-dns.kube-system.svc.cluster.local. 30 IN A 10.96.0.10'] },
  { qname: 'dns-version.cluster.local.', qtype: 'TXT', answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'] },
  { qname: `extin.${Z}`, qtype: 'A', answer: [`extin.${Z} 30 IN CNAME svc1.${Z}`, `svc1.${Z} 30 IN A 10.0.0.1`] },
]);

runTable('kubernetes answers: fallthrough in listed zones only', 'kubernetes cluster.local in-addr.arpa {\n fallthrough in-addr.arpa\n}', (serial) => [
  { qname: '2.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: ['2.0.0.10.in-addr.arpa. 0 IN TXT "next"'] },
  { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.${Z}`] },
  // NODATA is an answer: it never falls through.
  { qname: '1.0.0.10.in-addr.arpa.', qtype: 'A', ns: [soa(serial, 'in-addr.arpa.')] },
  { qname: `nosuch.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', ns: [soa(serial)] },
]);

runTable('kubernetes answers: fallthrough everywhere', 'kubernetes cluster.local {\n fallthrough\n}', (serial) => [
  { qname: `nosuch.${Z}`, qtype: 'A', answer: [`nosuch.${Z} 0 IN TXT "next"`] },
  // The name exists (a CNAME); only its target is missing.
  { qname: `extmissing.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', answer: [`extmissing.${Z} 5 IN CNAME nosuch.${Z}`], ns: [soa(serial)] },
]);

runTable('kubernetes answers: reverse zones only if listed', 'kubernetes cluster.local 10.0.0.0/24', (serial) => [
  { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.${Z}`] },
  { qname: '0.0.10.in-addr.arpa.', qtype: 'SOA', answer: [soa(serial, '0.0.10.in-addr.arpa.')] },
  { qname: '1.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: ['1.0.0.172.in-addr.arpa. 0 IN TXT "next"'] },
  { qname: V6_NOT_SERVED, qtype: 'PTR', answer: [`${V6_NOT_SERVED} 0 IN TXT "next"`] },
]);

runTable('kubernetes answers: before the first sync', 'kubernetes cluster.local {\n fallthrough\n}', (serial) => [
  // Never a false NXDOMAIN, and no falling through on one either.
  { qname: `nosuch.${Z}`, qtype: 'A', rcode: 'SERVFAIL' },
  { qname: `extmissing.${Z}`, qtype: 'A', rcode: 'SERVFAIL' },
  { qname: `svc1.${Z}`, qtype: 'A', answer: [`svc1.${Z} 5 IN A 10.0.0.1`] },
  { qname: `svc1.${Z}`, qtype: 'AAAA', ns: [soa(serial)] },
], false);
