import {
  decodeEthernet,
  decodeGre,
  decodeIp,
  decodeIpv6,
  decodeLink,
  decodeUdp,
  ETHERTYPE_BRIDGING,
  ETHERTYPE_IPV4,
  ETHERTYPE_IPV6,
  ETHERTYPE_MPLS,
  ETHERTYPE_MPLS_MULTICAST,
  IPPROTO_GRE,
  IPPROTO_UDP,
  ipv4ChecksumValid,
  u16,
  u24,
  u32,
  type IpHeader,
} from './decode';
import type { CapturedPacket } from './pcap';

export const PORT_VXLAN = 4789;
export const PORT_GENEVE = 6081;
export const PORT_MPLS_UDP = 6635;

export interface GeneveOption {
  class: number;
  type: number;
  /** Length of the option's data in bytes (the header's 4-byte words times 4). */
  length: number;
}

/** How a packet was carried on the wire; `none` is anything that is not one of these tunnels. */
export type Encapsulation =
  | { kind: 'vxlan'; vni: number }
  | { kind: 'geneve'; vni: number; options: GeneveOption[] }
  | { kind: 'mplsoudp'; labels: number[] }
  | { kind: 'mplsogre'; labels: number[] }
  | { kind: 'gre'; protocol: number; key?: number }
  | { kind: 'none' };

export type EncapKind = Encapsulation['kind'];

export interface IpEndpoints {
  version: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
}

export interface ClassifiedPacket {
  encap: Encapsulation;
  /** The outermost IP header, when the packet is IP at all. */
  outer?: IpEndpoints;
  /** The tenant's IP header inside the tunnel, when the inner packet could be decoded. */
  inner?: IpEndpoints;
}

const NONE: Encapsulation = { kind: 'none' };

export function classify(packet: CapturedPacket): ClassifiedPacket {
  const { data } = packet;
  const link = decodeLink(packet);
  const ip = link && decodeIp(data, link.next, link.etherType);
  if (!ip) return { encap: NONE };
  const outer = endpoints(ip);
  if (!ip.firstFragment) return { encap: NONE, outer };
  if (ip.protocol === IPPROTO_UDP) {
    const udp = decodeUdp(data, ip.next);
    if (udp?.dstPort === PORT_VXLAN) return { outer, ...vxlan(data, udp.next) };
    if (udp?.dstPort === PORT_GENEVE) return { outer, ...geneve(data, udp.next) };
    if (udp?.dstPort === PORT_MPLS_UDP) return { outer, ...mpls('mplsoudp', packet, udp.next) };
  }
  if (ip.protocol === IPPROTO_GRE) {
    const gre = decodeGre(data, ip.next);
    if (gre && (gre.protocol === ETHERTYPE_MPLS || gre.protocol === ETHERTYPE_MPLS_MULTICAST)) {
      return { outer, ...mpls('mplsogre', packet, gre.next) };
    }
    if (gre) {
      const encap: Encapsulation = gre.key === undefined ? { kind: 'gre', protocol: gre.protocol } : { kind: 'gre', protocol: gre.protocol, key: gre.key };
      return { encap, outer, inner: innerByType(data, gre.next, gre.protocol) };
    }
  }
  return { encap: NONE, outer };
}

type Carried = Pick<ClassifiedPacket, 'encap' | 'inner'>;

function vxlan(data: Uint8Array, offset: number): Carried {
  // The I flag says the VNI is valid (RFC 7348); without it this is not VXLAN.
  if (data.length < offset + 8 || !(data[offset] & 0x08)) return { encap: NONE };
  return { encap: { kind: 'vxlan', vni: u24(data, offset + 4) }, inner: innerByType(data, offset + 8, ETHERTYPE_BRIDGING) };
}

function geneve(data: Uint8Array, offset: number): Carried {
  if (data.length < offset + 8 || data[offset] >> 6 !== 0) return { encap: NONE };
  const end = offset + 8 + (data[offset] & 0x3f) * 4;
  const options: GeneveOption[] = [];
  // Options cut off by the snapshot length are left out; the VNI is still known.
  for (let at = offset + 8; at + 4 <= Math.min(end, data.length); ) {
    const length = (data[at + 3] & 0x1f) * 4;
    options.push({ class: u16(data, at), type: data[at + 2], length });
    at += 4 + length;
  }
  return { encap: { kind: 'geneve', vni: u24(data, offset + 4), options }, inner: innerByType(data, end, u16(data, offset + 2)) };
}

function mpls(kind: 'mplsoudp' | 'mplsogre', packet: CapturedPacket, offset: number): Carried {
  const { data } = packet;
  const labels: number[] = [];
  let at = offset;
  let bottom = false;
  while (!bottom && at + 4 <= data.length) {
    const entry = u32(data, at);
    labels.push(entry >>> 12);
    bottom = ((entry >>> 8) & 1) === 1;
    at += 4;
  }
  return { encap: { kind, labels }, inner: bottom ? innerAfterLabels(packet, at) : undefined };
}

/** The label stack does not say what follows it: an IP packet (L3 VPN) or an Ethernet frame (L2). */
function innerAfterLabels(packet: CapturedPacket, offset: number): IpEndpoints | undefined {
  const { data } = packet;
  if (ipv4ChecksumValid(data, offset)) return innerByType(data, offset, ETHERTYPE_IPV4);
  const v6 = decodeIpv6(data, offset);
  if (v6 && offset + 40 + u16(data, offset + 4) <= packet.originalLength) return endpoints(v6);
  return innerByType(data, offset, ETHERTYPE_BRIDGING);
}

function innerByType(data: Uint8Array, offset: number, type: number): IpEndpoints | undefined {
  if (type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6) {
    const ip = decodeIp(data, offset, type);
    return ip && endpoints(ip);
  }
  if (type !== ETHERTYPE_BRIDGING) return undefined;
  const frame = decodeEthernet(data, offset);
  const ip = frame && decodeIp(data, frame.next, frame.etherType);
  return ip && endpoints(ip);
}

function endpoints(ip: IpHeader): IpEndpoints {
  return { version: ip.version, src: ip.src, dst: ip.dst, protocol: ip.protocol };
}

/** The tunnel's id as text: the VNI, the label stack top first (`16/17`), or the GRE key. */
export function encapId(encap: Encapsulation): string | undefined {
  switch (encap.kind) {
    case 'vxlan':
    case 'geneve':
      return String(encap.vni);
    case 'mplsoudp':
    case 'mplsogre':
      return encap.labels.join('/');
    case 'gre':
      return encap.key === undefined ? undefined : String(encap.key);
    case 'none':
      return undefined;
  }
}

export interface EncapSummary {
  total: number;
  /** Packets per kind, such as `{ vxlan: 3, none: 1 }`. */
  kinds: Partial<Record<EncapKind, number>>;
  /** Packets per tunnel, keyed `kind:id`, such as `{ 'vxlan:5001': 3, 'mplsogre:16/17': 1 }`. */
  ids: Record<string, number>;
}

export function summarize(packets: readonly ClassifiedPacket[]): EncapSummary {
  const summary: EncapSummary = { total: packets.length, kinds: {}, ids: {} };
  for (const { encap } of packets) {
    summary.kinds[encap.kind] = (summary.kinds[encap.kind] ?? 0) + 1;
    const id = encapId(encap);
    if (id !== undefined) summary.ids[`${encap.kind}:${id}`] = (summary.ids[`${encap.kind}:${id}`] ?? 0) + 1;
  }
  return summary;
}
