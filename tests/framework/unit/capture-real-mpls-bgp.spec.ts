import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { vpnUpdates } from '../../../lib/capture/bgp';
import { classify } from '../../../lib/capture/classify';
import { parseCapture, type CapturedPacket } from '../../../lib/capture/pcap';

// Real captures (tests/framework/fixtures/pcap/make-mplsoudp-real.sh says how each was made).
const FIXTURES = new URL('../fixtures/pcap/', import.meta.url);
const load = (name: string): CapturedPacket[] => parseCapture(readFileSync(new URL(name, FIXTURES)), name);

test.describe('classifiers on real captures', () => {
  test('MPLS over GRE from bagpipe and OVS: GRE protocol 0x8847, one label, the IP packet right after it', () => {
    const packets = load('bagpipe-mplsogre.pcap').map(classify);
    expect(packets).toHaveLength(6);
    expect(packets.filter((_, i) => i % 2 === 0).map((p) => [p.encap, p.outer?.src, p.inner?.dst])).toEqual(Array(3).fill([{ kind: 'mplsogre', labels: [21] }, '10.240.1.21', '10.1.0.3']));
    expect(packets.filter((_, i) => i % 2 === 1).map((p) => [p.encap, p.outer?.src, p.inner?.dst])).toEqual(Array(3).fill([{ kind: 'mplsogre', labels: [23] }, '10.240.1.22', '10.1.0.2']));
  });

  test('MPLS over UDP (RFC 7510) sent by a socket to port 6635: the label and the IP packet inside', () => {
    const [packet] = load('mplsoudp-socket.pcap').map(classify);
    expect(packet.encap).toEqual({ kind: 'mplsoudp', labels: [21] });
    expect(packet.inner).toMatchObject({ src: '10.1.0.2', dst: '10.1.0.3', protocol: 1 });
  });
});

test.describe('BGP UPDATEs on the wire', () => {
  test('the labeled VPN routes a route reflector sends each PE: RD, prefix, label, next hop', () => {
    expect(vpnUpdates(load('bagpipe-bgp-updates.pcap'))).toEqual([
      { from: '10.240.0.11', to: '10.240.0.21', kind: 'advertise', rd: '10.240.0.22:4', prefix: '10.1.0.3/32', labels: [21], nextHop: '10.240.1.22' },
      { from: '10.240.0.11', to: '10.240.0.22', kind: 'advertise', rd: '10.240.0.21:6', prefix: '10.1.0.2/32', labels: [23], nextHop: '10.240.1.21' },
    ]);
  });

  test('the data plane label of each direction is the label BGP advertised for its destination', () => {
    const advertised = new Map(vpnUpdates(load('bagpipe-bgp-updates.pcap')).map((u) => [u.prefix, u.labels.at(-1)]));
    for (const packet of load('bagpipe-mplsogre.pcap').map(classify)) {
      expect(packet.encap.kind === 'mplsogre' && packet.encap.labels.at(-1)).toBe(advertised.get(`${packet.inner?.dst}/32`));
    }
  });

  test('a capture without BGP, or with a message cut off, yields no route rather than a wrong one', () => {
    expect(vpnUpdates(load('bagpipe-mplsogre.pcap'))).toEqual([]);
    const [first] = load('bagpipe-bgp-updates.pcap').filter((p) => p.data.length > 100);
    expect(vpnUpdates([{ ...first, data: first.data.subarray(0, first.data.length - 10) }])).toEqual([]);
  });
});
