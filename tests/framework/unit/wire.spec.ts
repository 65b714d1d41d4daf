import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { classify } from '../../../lib/capture/classify';
import { parseCapture } from '../../../lib/capture/pcap';
import { checkWire, innerMac, type WirePacket } from '../../../lib/capture/wire';

const FIXTURES = new URL('../fixtures/pcap/', import.meta.url);

/** Real captures (tests/framework/fixtures/pcap), classified as the scenarios classify them. */
function wire(name: string): WirePacket[] {
  return parseCapture(readFileSync(new URL(name, FIXTURES)), name).map((p) => ({ ...classify(p), innerMac: innerMac(p) }));
}

const vxlanFlow = { label: 'vm1 -> vm2', src: '10.0.1.1', dst: '10.0.1.2', srcMac: '02:00:00:00:01:01', dstMac: '02:00:00:00:01:02', id: 5001 };

test('the tenant MACs are read inside VXLAN, Geneve and GRE, not inside MPLS or outside tunnels', () => {
  const macs = wire('all-kinds.pcapng').map((p) => [p.encap.kind, p.innerMac]);
  const pair = { src: '02:00:00:00:01:01', dst: '02:00:00:00:01:02' };
  expect(macs).toEqual([['vxlan', pair], ['geneve', pair], ['mplsoudp', undefined], ['mplsogre', undefined], ['gre', pair], ['none', undefined]]);
});

test('a flow in the expected kind with the expected id matches, and the report lists it', () => {
  const verdict = checkWire(wire('vxlan.pcap'), { kind: 'vxlan', flows: [vxlanFlow], endpoints: { '192.0.2.11': 'ch1' } });
  expect(verdict.wrong).toEqual([]);
  expect(verdict.report).toMatch(/vxlan VNI 5001 +ch1 \(192\.0\.2\.11\) -> 192\.0\.2\.12 +inner 10\.0\.1\.1 -> 10\.0\.1\.2 +x1/);
});

test('a wrong id, a wrong kind, too few packets and other tunnels on the wire are each named', () => {
  expect(checkWire(wire('vxlan.pcap'), { kind: 'vxlan', flows: [{ ...vxlanFlow, id: 4097 }] }).wrong).toEqual([
    'vm1 -> vm2 (10.0.1.1 -> 10.0.1.2): 1 packet in vxlan VNI 5001 between 192.0.2.11 -> 192.0.2.12, expected vxlan VNI 4097',
    'vm1 -> vm2 (10.0.1.1 -> 10.0.1.2): 0 packets in vxlan VNI 4097, expected at least 1',
  ]);
  expect(checkWire(wire('vxlan.pcap'), { kind: 'geneve', flows: [{ ...vxlanFlow, id: 1 }] }).wrong[0]).toBe(
    'vm1 -> vm2 (10.0.1.1 -> 10.0.1.2): 1 packet in vxlan VNI 5001 between 192.0.2.11 -> 192.0.2.12, expected geneve VNI 1',
  );
  expect(checkWire(wire('vxlan.pcap'), { kind: 'vxlan', flows: [{ ...vxlanFlow, atLeast: 2 }] }).wrong).toEqual(['vm1 -> vm2 (10.0.1.1 -> 10.0.1.2): 1 packet in vxlan VNI 5001, expected at least 2']);
  expect(checkWire(wire('all-kinds.pcapng'), { kind: 'vxlan', flows: [vxlanFlow] }).wrong).toEqual([
    'other encapsulation on the wire: 1 packet of geneve between 2001:db8::11 -> 2001:db8::12, expected only vxlan',
    'other encapsulation on the wire: 1 packet of mplsoudp between 192.0.2.21 -> 192.0.2.22, expected only vxlan',
    'other encapsulation on the wire: 1 packet of mplsogre between 192.0.2.31 -> 192.0.2.32, expected only vxlan',
    'other encapsulation on the wire: 1 packet of gre between 192.0.2.41 -> 192.0.2.42, expected only vxlan',
  ]);
});

test('traffic that must stay out of the tunnels is named when seen; another deployment\'s MACs are not ours', () => {
  const gre = wire('gre.pcap');
  expect(checkWire(gre, { kind: 'gre', flows: [], absent: [{ label: 'what vm5 sends', src: '10.0.5.1' }] }).wrong).toEqual([
    'what vm5 sends: 1 packet in gre key 7 between 192.0.2.41 -> 192.0.2.42, expected none',
  ]);
  expect(checkWire(gre, { kind: 'gre', flows: [], absent: [{ label: 'what vm5 sends', src: '10.0.5.1', srcMac: '02:00:00:00:09:09' }] }).wrong).toEqual([]);
  expect(checkWire(gre, { kind: 'gre', flows: [{ label: 'vm5 -> vm6', src: '10.0.5.1', dst: '10.0.5.2', srcMac: '02:00:00:00:09:09', id: 7 }] }).wrong).toEqual([
    'vm5 -> vm6 (10.0.5.1 -> 10.0.5.2): 0 packets in gre key 7, expected at least 1',
  ]);
});

test('tenant traffic beside the tunnels, as plain IP on the underlay, is named; the real MPLSoGRE capture has none', () => {
  const flow = { label: 'vm1 -> vm2', src: '10.1.0.2', dst: '10.1.0.3', id: 21, atLeast: 3 };
  expect(checkWire(wire('bagpipe-mplsogre.pcap'), { kind: 'mplsogre', flows: [flow, { ...flow, label: 'vm2 -> vm1', src: flow.dst, dst: flow.src, id: 23 }] }).wrong).toEqual([]);
  const [plain] = wire('plain.pcap');
  expect(checkWire(wire('plain.pcap'), { kind: 'mplsogre', flows: [], absent: [{ label: 'vm1 -> vm3', dst: plain.outer!.dst }] }).wrong).toEqual([
    `vm1 -> vm3 (any -> ${plain.outer!.dst}): 1 packet on the wire as plain IP, outside any tunnel`,
  ]);
});
