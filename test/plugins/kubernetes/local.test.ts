// This server's own addresses (apex NS glue, ns.dns): interface addresses that mean something off the host.

import { expect } from 'chai';
import type { NetworkInterfaceInfo } from 'node:os';
import { ownAddresses } from '../../../src/plugins/kubernetes/local.js';

function info(address: string, internal = false): NetworkInterfaceInfo {
  const v4 = address.includes('.');
  return v4
    ? { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null }
    : { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal, cidr: null, scopeid: 0 };
}

describe('kubernetes own addresses', () => {
  it('keeps non-loopback, non-link-local addresses, canonical and once each', () => {
    expect(ownAddresses({
      lo: [info('127.0.0.1', true), info('::1', true)],
      eth0: [info('10.244.0.5'), info('fe80::1'), info('FD00:0:0:0:0:0:0:53'), info('169.254.1.1')],
      eth1: [info('10.244.0.5'), info('192.0.2.7')],
      down: undefined,
    })).to.deep.equal(['10.244.0.5', 'fd00::53', '192.0.2.7']);
  });
});
