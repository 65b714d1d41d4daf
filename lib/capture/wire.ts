import { PORT_GENEVE, PORT_VXLAN, type ClassifiedPacket, type EncapKind, type Encapsulation } from './classify';
import { decodeEthernet, decodeGre, decodeIp, decodeLink, decodeUdp, ETHERTYPE_BRIDGING, IPPROTO_GRE, IPPROTO_UDP, u16 } from './decode';
import type { CapturedPacket } from './pcap';

/** A classified packet with the tenant frame's Ethernet addresses, where the tunnel carries Ethernet. */
export type WirePacket = ClassifiedPacket & { innerMac?: { src: string; dst: string } };

/** Tenant traffic expected inside the tunnels, and the id every packet of it must carry. */
export interface ExpectedFlow {
  /** In the network's words, for the report: `vm1 -> vm2`. */
  label: string;
  /** Inner source and destination addresses. */
  src: string;
  dst: string;
  /**
   * The tenant MACs, where known: they tell this deployment's packets from another's with the same
   * addresses (topologies reuse subnets; MACs are planned per deployment). Checked where the tunnel carries Ethernet.
   */
  srcMac?: string;
  dstMac?: string;
  /** VNI (Geneve, VXLAN), bottom MPLS label (MPLSoUDP, MPLSoGRE) or GRE key. */
  id: number;
  /** Fewest packets of the flow that must be seen. Default 1. */
  atLeast?: number;
}

export interface WireExpectation {
  /** The one tunnel kind allowed on the wire; any other kind seen is wrong. */
  kind: Exclude<EncapKind, 'none'>;
  flows: ExpectedFlow[];
  /** Tenant traffic that must appear in no tunnel at all (the negative control), by inner addresses. */
  absent?: Array<{ label: string; src?: string; dst?: string; srcMac?: string; dstMac?: string }>;
  /** Names of tunnel endpoints by underlay address (chassis, collectors), for the report. */
  endpoints?: Record<string, string>;
}

export interface WireVerdict {
  /** Each way the wire differs from the expectation, one line each; empty when it matches. */
  wrong: string[];
  /** What was seen, per tunnel kind, id, endpoints and inner addresses, under the expectation. */
  report: string;
}

const ID_NAME: Record<EncapKind, string> = { vxlan: 'VNI', geneve: 'VNI', mplsoudp: 'label', mplsogre: 'label', gre: 'key', none: 'id' };

/** The id a packet's tunnel carries: the VNI, the bottom MPLS label, the GRE key. */
export function wireId(encap: Encapsulation): number | undefined {
  switch (encap.kind) {
    case 'vxlan':
    case 'geneve':
      return encap.vni;
    case 'mplsoudp':
    case 'mplsogre':
      return encap.labels.at(-1);
    case 'gre':
      return encap.key;
    case 'none':
      return undefined;
  }
}

/** The Ethernet addresses of the frame inside a VXLAN, Geneve or GRE (transparent bridging) tunnel. */
export function innerMac(packet: CapturedPacket): WirePacket['innerMac'] {
  const { data } = packet;
  const link = decodeLink(packet);
  const ip = link && decodeIp(data, link.next, link.etherType);
  if (!ip?.firstFragment) return undefined;
  let frame: number | undefined;
  if (ip.protocol === IPPROTO_UDP) {
    const udp = decodeUdp(data, ip.next);
    if (udp?.dstPort === PORT_VXLAN) frame = udp.next + 8;
    if (udp?.dstPort === PORT_GENEVE && data.length >= udp.next + 8 && u16(data, udp.next + 2) === ETHERTYPE_BRIDGING) frame = udp.next + 8 + (data[udp.next] & 0x3f) * 4;
  }
  if (ip.protocol === IPPROTO_GRE) {
    const gre = decodeGre(data, ip.next);
    if (gre?.protocol === ETHERTYPE_BRIDGING) frame = gre.next;
  }
  const ethernet = frame === undefined ? undefined : decodeEthernet(data, frame);
  return ethernet?.src && ethernet.dst ? { src: ethernet.src, dst: ethernet.dst } : undefined;
}

/** Same inner addresses; same MACs too where both the expectation and the packet have them. */
function matches(p: WirePacket, want: { src?: string; dst?: string; srcMac?: string; dstMac?: string }): boolean {
  if (!p.inner || (want.src !== undefined && p.inner.src !== want.src) || (want.dst !== undefined && p.inner.dst !== want.dst)) return false;
  if (!p.innerMac) return true;
  return (want.srcMac === undefined || p.innerMac.src === want.srcMac.toLowerCase()) && (want.dstMac === undefined || p.innerMac.dst === want.dstMac.toLowerCase());
}

/**
 * Checks a capture against what the wire should carry: every expected flow tunnelled with `kind`
 * and its id, no other tunnel kind anywhere, none of the `absent` traffic in any tunnel, and none
 * of the tenant traffic as plain IP beside the tunnels.
 */
export function checkWire(packets: readonly WirePacket[], expected: WireExpectation): WireVerdict {
  const tunnelled = packets.filter((p) => p.encap.kind !== 'none');
  const name = (address: string) => (expected.endpoints?.[address] ? `${expected.endpoints[address]} (${address})` : address);
  const between = (p: WirePacket) => (p.outer ? `${name(p.outer.src)} -> ${name(p.outer.dst)}` : 'unknown endpoints');
  const tunnel = (kind: EncapKind, id: number | undefined) => `${kind}${id === undefined ? '' : ` ${ID_NAME[kind]} ${id}`}`;
  const wrong: string[] = [];
  const explained = new Set<WirePacket>();

  for (const flow of expected.flows) {
    const ours = tunnelled.filter((p) => matches(p, flow));
    ours.forEach((p) => explained.add(p));
    const right = ours.filter((p) => p.encap.kind === expected.kind && wireId(p.encap) === flow.id);
    const want = `${tunnel(expected.kind, flow.id)}`;
    for (const [seen, group] of groupBy(ours.filter((p) => !right.includes(p)), (p) => `${tunnel(p.encap.kind, wireId(p.encap))} between ${between(p)}`)) {
      wrong.push(`${flow.label} (${flow.src} -> ${flow.dst}): ${nPackets(group.length)} in ${seen}, expected ${want}`);
    }
    const atLeast = flow.atLeast ?? 1;
    if (right.length < atLeast) wrong.push(`${flow.label} (${flow.src} -> ${flow.dst}): ${nPackets(right.length)} in ${want}, expected at least ${atLeast}`);
  }
  for (const absent of expected.absent ?? []) {
    const seen = tunnelled.filter((p) => matches(p, absent));
    seen.forEach((p) => explained.add(p));
    for (const [where, group] of groupBy(seen, (p) => `${tunnel(p.encap.kind, wireId(p.encap))} between ${between(p)}`)) {
      wrong.push(`${absent.label}: ${nPackets(group.length)} in ${where}, expected none`);
    }
  }
  // Tenant addresses on the underlay outside any tunnel: the flow left the host as plain IP.
  for (const flow of [...expected.flows, ...(expected.absent ?? [])]) {
    const plain = packets.filter((p) => p.encap.kind === 'none' && p.outer && (flow.src === undefined || p.outer.src === flow.src) && (flow.dst === undefined || p.outer.dst === flow.dst));
    if (plain.length) wrong.push(`${flow.label} (${flow.src ?? 'any'} -> ${flow.dst ?? 'any'}): ${nPackets(plain.length)} on the wire as plain IP, outside any tunnel`);
  }
  const others = tunnelled.filter((p) => p.encap.kind !== expected.kind && !explained.has(p));
  for (const [seen, group] of groupBy(others, (p) => `${p.encap.kind} between ${between(p)}`)) {
    wrong.push(`other encapsulation on the wire: ${nPackets(group.length)} of ${seen}, expected only ${expected.kind}`);
  }

  const rows = [...groupBy(tunnelled, (p) => `${tunnel(p.encap.kind, wireId(p.encap)).padEnd(18)} ${between(p).padEnd(48)} inner ${p.inner ? `${p.inner.src} -> ${p.inner.dst}` : '?'}`)];
  const report = [
    `expected: only ${expected.kind}`,
    ...expected.flows.map((f) => `  ${f.label} (${f.src} -> ${f.dst}) in ${tunnel(expected.kind, f.id)}, at least ${f.atLeast ?? 1} packets`),
    ...(expected.absent ?? []).map((a) => `  ${a.label}: in no tunnel`),
    `seen: ${tunnelled.length} tunnel packets of ${packets.length} captured`,
    ...rows.map(([row, group]) => `  ${row}  x${group.length}`),
    ...(wrong.length ? ['wrong:', ...wrong.map((w) => `  ${w}`)] : []),
  ].join('\n');
  return { wrong, report };
}

const nPackets = (n: number) => `${n} packet${n === 1 ? '' : 's'}`;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
