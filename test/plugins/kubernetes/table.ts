// The answer table for the cluster in cluster.ts under the kubeadm-style directive
// MAIN_DIRECTIVE: one case (at least) per rule of SPEC §1. Shared by the
// handler-level test and the end-to-end test against a real kdns process.

import type { Case } from '../../support/cases.js';
import { UPSTREAM_A } from './serve.js';

export const MAIN_DIRECTIVE = 'kubernetes cluster.local in-addr.arpa ip6.arpa {\n  pods insecure\n}';

export interface KCase extends Case {
  /** Why the case depends on the unit test's stand-ins (own addresses, an upstream): not run end to end. */
  unitOnly?: string;
}

/** The SOA negative answers carry. */
export function soa(serial: number, zone = 'cluster.local.', ttl = 5): string {
  return `${zone} ${ttl} IN SOA ns.dns.${zone} hostmaster.${zone} ${serial} 7200 1800 86400 ${ttl}`;
}

const Z = 'testns.svc.cluster.local.';
const V6_DUAL_PTR = '6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.';
const V6_EP_PTR = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.';
const OWN = 'needs the test\'s own addresses';
const UP = 'needs the test\'s upstream';

export function mainCases(serial: number): KCase[] {
  const S = soa(serial);
  const nx = (qname: string, qtype: string): KCase => ({ qname, qtype, rcode: 'NXDOMAIN', ns: [S], aa: true });
  const nodata = (qname: string, qtype: string): KCase => ({ qname, qtype, ns: [S], aa: true });
  return [
    // General: apex, empty non-terminals, RFC 8020 consistency, case echo.
    { qname: 'cluster.local.', qtype: 'SOA', answer: [S], aa: true },
    { qname: 'cluster.local.', qtype: 'NS', answer: ['cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.'],
      extra: ['kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10'], unitOnly: OWN },
    nodata('cluster.local.', 'A'),
    // Names compressed onto the question take its case, inside the SOA too.
    { qname: 'Cluster.Local.', qtype: 'TXT', ns: [soa(serial, 'Cluster.Local.')] },
    nodata('svc.cluster.local.', 'A'),
    nodata('pod.cluster.local.', 'A'),
    nodata('dns.cluster.local.', 'A'),
    nodata('testns.svc.cluster.local.', 'A'),
    nodata('testns.svc.cluster.local.', 'SRV'),
    nx('nosuchns.svc.cluster.local.', 'A'),
    nx('nons.svc.cluster.local.', 'A'),
    nx('orphan.nons.svc.cluster.local.', 'A'),
    nx('foo.cluster.local.', 'A'),
    nx('nosuch.testns.svc.cluster.local.', 'A'),
    nx('nosuch.testns.svc.cluster.local.', 'SOA'),
    nx('nosuch.testns.svc.cluster.local.', 'TXT'),
    nodata('svc1.testns.svc.cluster.local.', 'SOA'),
    nodata('svc1.testns.svc.cluster.local.', 'NS'),
    nodata('svc1.testns.svc.cluster.local.', 'MX'),
    nodata('svc1.testns.svc.cluster.local.', 'TXT'),
    nodata('svc1.testns.svc.cluster.local.', 'CNAME'),
    nx('a.b.svc1.testns.svc.cluster.local.', 'A'),
    nx('a.b.c.svc1.testns.svc.cluster.local.', 'A'),
    nx('*.testns.svc.cluster.local.', 'A'),
    nx('svc1.*.svc.cluster.local.', 'A'),
    nx('svc1.testns.foo.cluster.local.', 'A'),
    // Special names.
    { qname: 'dns-version.cluster.local.', qtype: 'TXT', answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'], aa: true },
    nodata('dns-version.cluster.local.', 'A'),
    { qname: 'ns.dns.cluster.local.', qtype: 'A', answer: ['ns.dns.cluster.local. 5 IN A 10.244.0.5'], unitOnly: OWN },
    { qname: 'ns.dns.cluster.local.', qtype: 'AAAA', answer: ['ns.dns.cluster.local. 5 IN AAAA fd00::53'], unitOnly: OWN },
    nodata('ns.dns.cluster.local.', 'MX'),
    nx('x.dns.cluster.local.', 'A'),
    nx('x.ns.dns.cluster.local.', 'A'),
    { qname: 'cluster.local.', qtype: 'AXFR', rcode: 'REFUSED' },
    { qname: 'cluster.local.', qtype: 'IXFR', rcode: 'REFUSED' },

    // ClusterIP services.
    { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A', answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'], aa: true },
    { qname: 'SVC1.TestNS.svc.Cluster.Local.', qtype: 'A', answer: ['SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.0.0.1'] },
    nodata('svc1.testns.svc.cluster.local.', 'AAAA'),
    { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', answer: ['kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1'] },
    { qname: `dual.${Z}`, qtype: 'A', answer: [`dual.${Z} 5 IN A 10.0.0.6`] },
    { qname: `dual.${Z}`, qtype: 'AAAA', answer: [`dual.${Z} 5 IN AAAA 1234:abcd::6`] },
    { qname: `empty.${Z}`, qtype: 'A', answer: [`empty.${Z} 5 IN A 10.0.0.9`] },
    { qname: `_http._tcp.svc1.${Z}`, qtype: 'SRV', answer: [`_http._tcp.svc1.${Z} 5 IN SRV 0 100 80 svc1.${Z}`],
      extra: [`svc1.${Z} 5 IN A 10.0.0.1`] },
    { qname: `_HTTP._Tcp.svc1.${Z}`, qtype: 'SRV', answer: [`_HTTP._Tcp.svc1.${Z} 5 IN SRV 0 100 80 svc1.${Z}`],
      extra: [`svc1.${Z} 5 IN A 10.0.0.1`] },
    // (kdns) weight after de-duplication: one SRV for a dual-stack service weighs 100.
    { qname: `_http._tcp.dual.${Z}`, qtype: 'SRV', answer: [`_http._tcp.dual.${Z} 5 IN SRV 0 100 80 dual.${Z}`],
      extra: [`dual.${Z} 5 IN A 10.0.0.6`, `dual.${Z} 5 IN AAAA 1234:abcd::6`] },
    nx(`_http._udp.svc1.${Z}`, 'SRV'),
    nx(`_https._tcp.svc1.${Z}`, 'SRV'),
    nx(`_._tcp.svc1.${Z}`, 'SRV'),
    nx(`http.tcp.svc1.${Z}`, 'SRV'),
    nodata(`_http._tcp.svc1.${Z}`, 'A'),
    { qname: `svc1.${Z}`, qtype: 'SRV', answer: [`svc1.${Z} 5 IN SRV 0 100 80 svc1.${Z}`], extra: [`svc1.${Z} 5 IN A 10.0.0.1`] },
    // Bare-name SRV: one per distinct port (53/UDP and 53/TCP are one record), named or not.
    { qname: `svcports.${Z}`, qtype: 'SRV', answer: [
      `svcports.${Z} 5 IN SRV 0 33 80 svcports.${Z}`, `svcports.${Z} 5 IN SRV 0 33 53 svcports.${Z}`,
      `svcports.${Z} 5 IN SRV 0 33 8080 svcports.${Z}`,
    ], extra: [`svcports.${Z} 5 IN A 10.0.0.7`] },
    { qname: `_dns._udp.svcports.${Z}`, qtype: 'SRV', answer: [`_dns._udp.svcports.${Z} 5 IN SRV 0 100 53 svcports.${Z}`],
      extra: [`svcports.${Z} 5 IN A 10.0.0.7`] },
    nodata(`noports.${Z}`, 'SRV'),
    { qname: `noports.${Z}`, qtype: 'A', answer: [`noports.${Z} 5 IN A 10.0.0.8`] },
    // An endpoint's hostname under a ClusterIP service; a not-ready one appears nowhere.
    { qname: `ep1a.svc1.${Z}`, qtype: 'A', answer: [`ep1a.svc1.${Z} 5 IN A 172.0.0.1`] },
    nodata(`ep1a.svc1.${Z}`, 'AAAA'),
    nx(`ep1b.svc1.${Z}`, 'A'),
    nx(`ep1b.svc1.${Z}`, 'AAAA'),
    { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: [`1.0.0.10.in-addr.arpa. 5 IN PTR svc1.${Z}`], aa: true },
    { qname: V6_DUAL_PTR, qtype: 'PTR', answer: [`${V6_DUAL_PTR} 5 IN PTR dual.${Z}`] },
    { qname: '1.0.0.10.in-addr.arpa.', qtype: 'A', ns: [soa(serial, 'in-addr.arpa.')] },
    { qname: '2.0.0.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
    { qname: '0.10.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
    { qname: 'in-addr.arpa.', qtype: 'SOA', answer: [soa(serial, 'in-addr.arpa.')] },
    { qname: 'in-addr.arpa.', qtype: 'NS', answer: ['in-addr.arpa. 5 IN NS kube-dns.kube-system.svc.cluster.local.'],
      extra: ['kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10'], unitOnly: OWN },

    // Headless services: ready endpoints only, names from hostname or the dashed address.
    { qname: `hdls1.${Z}`, qtype: 'A', answer: [`hdls1.${Z} 5 IN A 172.0.0.2`, `hdls1.${Z} 5 IN A 172.0.0.3`, `hdls1.${Z} 5 IN A 172.0.0.5`] },
    { qname: `hdls1.${Z}`, qtype: 'AAAA', answer: [`hdls1.${Z} 5 IN AAAA 5678:abcd::1`, `hdls1.${Z} 5 IN AAAA 5678:abcd::`] },
    ...[`hdls1.${Z}`, `_http._tcp.hdls1.${Z}`].map((qname): KCase => ({
      qname, qtype: 'SRV', answer: [
        `${qname} 5 IN SRV 0 25 80 hdls1-0.hdls1.${Z}`, `${qname} 5 IN SRV 0 25 80 172-0-0-3.hdls1.${Z}`,
        `${qname} 5 IN SRV 0 25 80 172-0-0-5.hdls1.${Z}`, `${qname} 5 IN SRV 0 25 80 5678-abcd--0.hdls1.${Z}`,
      ], extra: [
        `hdls1-0.hdls1.${Z} 5 IN A 172.0.0.2`, `hdls1-0.hdls1.${Z} 5 IN AAAA 5678:abcd::1`,
        `172-0-0-3.hdls1.${Z} 5 IN A 172.0.0.3`, `172-0-0-5.hdls1.${Z} 5 IN A 172.0.0.5`,
        `5678-abcd--0.hdls1.${Z} 5 IN AAAA 5678:abcd::`,
      ],
    })),
    nx(`_https._tcp.hdls1.${Z}`, 'SRV'),
    { qname: `hdls1-0.hdls1.${Z}`, qtype: 'A', answer: [`hdls1-0.hdls1.${Z} 5 IN A 172.0.0.2`] },
    { qname: `hdls1-0.hdls1.${Z}`, qtype: 'AAAA', answer: [`hdls1-0.hdls1.${Z} 5 IN AAAA 5678:abcd::1`] },
    { qname: `hdls1-0.hdls1.${Z}`, qtype: 'SRV', answer: [`hdls1-0.hdls1.${Z} 5 IN SRV 0 100 80 hdls1-0.hdls1.${Z}`],
      extra: [`hdls1-0.hdls1.${Z} 5 IN A 172.0.0.2`, `hdls1-0.hdls1.${Z} 5 IN AAAA 5678:abcd::1`] },
    { qname: `172-0-0-3.hdls1.${Z}`, qtype: 'A', answer: [`172-0-0-3.hdls1.${Z} 5 IN A 172.0.0.3`] },
    { qname: `5678-abcd--0.hdls1.${Z}`, qtype: 'AAAA', answer: [`5678-abcd--0.hdls1.${Z} 5 IN AAAA 5678:abcd::`] },
    nx(`web-pod-3.hdls1.${Z}`, 'A'),
    nx(`hdls1-2.hdls1.${Z}`, 'A'),
    nx(`172-0-0-4.hdls1.${Z}`, 'A'),
    { qname: `hdlsnoports.${Z}`, qtype: 'A', answer: [`hdlsnoports.${Z} 5 IN A 172.0.0.10`] },
    nodata(`hdlsnoports.${Z}`, 'SRV'),
    nx(`_x._tcp.hdlsnoports.${Z}`, 'SRV'),
    nx(`hdlsnotready.${Z}`, 'A'),
    nx(`hdlsnotready.${Z}`, 'SRV'),
    nodata(`hdls6.${Z}`, 'A'),
    { qname: `hdls6.${Z}`, qtype: 'AAAA', answer: [`hdls6.${Z} 5 IN AAAA 5678:abcd::2`] },
    { qname: '2.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: [`2.0.0.172.in-addr.arpa. 5 IN PTR hdls1-0.hdls1.${Z}`] },
    { qname: '3.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: [`3.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-3.hdls1.${Z}`] },
    { qname: '1.0.0.172.in-addr.arpa.', qtype: 'PTR', answer: [`1.0.0.172.in-addr.arpa. 5 IN PTR ep1a.svc1.${Z}`] },
    { qname: '4.0.0.172.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
    { qname: '11.0.0.172.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa(serial, 'in-addr.arpa.')] },
    { qname: '5.0.244.10.in-addr.arpa.', qtype: 'PTR',
      answer: ['5.0.244.10.in-addr.arpa. 5 IN PTR 10-244-0-5.kube-dns.kube-system.svc.cluster.local.'] },
    { qname: V6_EP_PTR, qtype: 'PTR', answer: [`${V6_EP_PTR} 5 IN PTR hdls1-0.hdls1.${Z}`] },

    // ExternalName services.
    { qname: `ext.${Z}`, qtype: 'CNAME', answer: [`ext.${Z} 5 IN CNAME ext.interwebs.test.`], aa: true },
    { qname: `ext.${Z}`, qtype: 'A', answer: [`ext.${Z} 5 IN CNAME ext.interwebs.test.`, UPSTREAM_A], unitOnly: UP },
    // The upstream fails: the CNAME alone, still NOERROR.
    { qname: `ext.${Z}`, qtype: 'AAAA', answer: [`ext.${Z} 5 IN CNAME ext.interwebs.test.`] },
    { qname: `extin.${Z}`, qtype: 'A', answer: [`extin.${Z} 5 IN CNAME svc1.${Z}`, `svc1.${Z} 5 IN A 10.0.0.1`] },
    { qname: `extchain.${Z}`, qtype: 'A',
      answer: [`extchain.${Z} 5 IN CNAME extin.${Z}`, `extin.${Z} 5 IN CNAME svc1.${Z}`, `svc1.${Z} 5 IN A 10.0.0.1`] },
    { qname: `extout.${Z}`, qtype: 'A',
      answer: [`extout.${Z} 5 IN CNAME ext.${Z}`, `ext.${Z} 5 IN CNAME ext.interwebs.test.`, UPSTREAM_A], unitOnly: UP },
    // (kdns) RFC 6604: the CNAME stays, with the target's own negative answer.
    { qname: `extmissing.${Z}`, qtype: 'A', rcode: 'NXDOMAIN', answer: [`extmissing.${Z} 5 IN CNAME nosuch.${Z}`], ns: [S] },
    { qname: `extin.${Z}`, qtype: 'AAAA', answer: [`extin.${Z} 5 IN CNAME svc1.${Z}`], ns: [S] },
    { qname: `extloop1.${Z}`, qtype: 'A',
      answer: [`extloop1.${Z} 5 IN CNAME extloop2.${Z}`, `extloop2.${Z} 5 IN CNAME extloop1.${Z}`] },
    nx(`extip.${Z}`, 'A'),
    nx(`extip.${Z}`, 'CNAME'),
    nodata(`ext.${Z}`, 'SRV'),
    nodata(`ext.${Z}`, 'TXT'),
    nx(`x.ext.${Z}`, 'A'),
    nx(`_http._tcp.ext.${Z}`, 'SRV'),

    // Pods, `pods insecure`.
    { qname: '10-244-1-5.testns.pod.cluster.local.', qtype: 'A', answer: ['10-244-1-5.testns.pod.cluster.local. 5 IN A 10.244.1.5'] },
    { qname: '1-2-3-4.testns.pod.cluster.local.', qtype: 'A', answer: ['1-2-3-4.testns.pod.cluster.local. 5 IN A 1.2.3.4'] },
    nodata('1-2-3-4.testns.pod.cluster.local.', 'AAAA'),
    { qname: 'fd00--5.testns.pod.cluster.local.', qtype: 'AAAA', answer: ['fd00--5.testns.pod.cluster.local. 5 IN AAAA fd00::5'] },
    nodata('fd00--5.testns.pod.cluster.local.', 'A'),
    nx('notanip.testns.pod.cluster.local.', 'A'),
    nx('1-2-3-256.testns.pod.cluster.local.', 'A'),
    nx('1-2-3-4.nosuchns.pod.cluster.local.', 'A'),
    nx('x.1-2-3-4.testns.pod.cluster.local.', 'A'),
    nodata('testns.pod.cluster.local.', 'A'),
    nx('nosuchns.pod.cluster.local.', 'A'),
  ];
}
