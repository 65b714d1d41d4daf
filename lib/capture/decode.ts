import { LINK_ETHERNET, LINK_LINUX_SLL, LINK_LINUX_SLL2, type CapturedPacket } from './pcap';

/**
 * Header decoders for the layers a tunnel is built from. Each takes the bytes and the offset where
 * its header starts, and returns the fields plus `next`, the offset of what follows; `undefined`
 * means the bytes are not that header or were cut off by the snapshot length.
 */

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_BRIDGING = 0x6558;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
export const IPPROTO_UDP = 17;
export const IPPROTO_GRE = 47;
const VLAN_TAGS = [0x8100, 0x88a8, 0x9100];

export interface LinkHeader {
  /** MAC addresses; a cooked (SLL) capture records only the sender's, if any. */
  src?: string;
  dst?: string;
  /** 802.1Q/802.1ad VLAN ids, outermost first. */
  vlans: number[];
  etherType: number;
  next: number;
}

export interface IpHeader {
  version: 4 | 6;
  src: string;
  dst: string;
  /** IPv4 protocol or the IPv6 next header after any extension headers. */
  protocol: number;
  /** False for a non-first fragment: no transport header follows. */
  firstFragment: boolean;
  next: number;
}

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
  next: number;
}

export interface GreHeader {
  version: number;
  protocol: number;
  /** The GREv0 key (RFC 2890): OVS puts the tunnel key here. */
  key?: number;
  next: number;
}

/** The link header of a captured packet, whatever the capture's link type. */
export function decodeLink(packet: CapturedPacket): LinkHeader | undefined {
  const { data } = packet;
  if (packet.linkType === LINK_ETHERNET) return decodeEthernet(data, 0);
  if (packet.linkType === LINK_LINUX_SLL && data.length >= 16) {
    return withVlans(data, 16, { src: mac(data, 6, u16(data, 4)), vlans: [], etherType: u16(data, 14), next: 16 });
  }
  if (packet.linkType === LINK_LINUX_SLL2 && data.length >= 20) {
    return withVlans(data, 20, { src: mac(data, 12, data[11]), vlans: [], etherType: u16(data, 0), next: 20 });
  }
  return undefined;
}

export function decodeEthernet(data: Uint8Array, offset: number): LinkHeader | undefined {
  if (data.length < offset + 14) return undefined;
  const header: LinkHeader = { dst: mac(data, offset, 6), src: mac(data, offset + 6, 6), vlans: [], etherType: u16(data, offset + 12), next: offset + 14 };
  return withVlans(data, offset + 14, header);
}

function withVlans(data: Uint8Array, offset: number, header: LinkHeader): LinkHeader | undefined {
  let at = offset;
  while (VLAN_TAGS.includes(header.etherType)) {
    if (data.length < at + 4) return undefined;
    header.vlans.push(u16(data, at) & 0x0fff);
    header.etherType = u16(data, at + 2);
    at += 4;
  }
  header.next = at;
  return header;
}

export function decodeIp(data: Uint8Array, offset: number, etherType: number): IpHeader | undefined {
  if (etherType === ETHERTYPE_IPV4) return decodeIpv4(data, offset);
  if (etherType === ETHERTYPE_IPV6) return decodeIpv6(data, offset);
  return undefined;
}

export function decodeIpv4(data: Uint8Array, offset: number): IpHeader | undefined {
  if (data.length < offset + 20 || data[offset] >> 4 !== 4) return undefined;
  const headerLength = (data[offset] & 0x0f) * 4;
  if (headerLength < 20 || data.length < offset + headerLength) return undefined;
  return {
    version: 4,
    src: ipv4(data, offset + 12),
    dst: ipv4(data, offset + 16),
    protocol: data[offset + 9],
    firstFragment: (u16(data, offset + 6) & 0x1fff) === 0,
    next: offset + headerLength,
  };
}

/** True when the IPv4 header checksum holds: how an IP packet is told from other bytes. */
export function ipv4ChecksumValid(data: Uint8Array, offset: number): boolean {
  const header = decodeIpv4(data, offset);
  if (!header) return false;
  let sum = 0;
  for (let at = offset; at < header.next; at += 2) sum += u16(data, at);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

export function decodeIpv6(data: Uint8Array, offset: number): IpHeader | undefined {
  if (data.length < offset + 40 || data[offset] >> 4 !== 6) return undefined;
  let protocol = data[offset + 6];
  let next = offset + 40;
  let firstFragment = true;
  while (IPV6_EXTENSIONS.has(protocol) || protocol === IPV6_FRAGMENT) {
    if (data.length < next + 8) return undefined;
    if (protocol === IPV6_FRAGMENT) firstFragment = (u16(data, next + 2) & 0xfff8) === 0;
    const length = protocol === IPV6_FRAGMENT ? 8 : (data[next + 1] + 1) * 8;
    protocol = data[next];
    next += length;
  }
  return { version: 6, src: ipv6(data, offset + 8), dst: ipv6(data, offset + 24), protocol, firstFragment, next };
}

export function decodeUdp(data: Uint8Array, offset: number): UdpHeader | undefined {
  if (data.length < offset + 8) return undefined;
  return { srcPort: u16(data, offset), dstPort: u16(data, offset + 2), next: offset + 8 };
}

export function decodeGre(data: Uint8Array, offset: number): GreHeader | undefined {
  if (data.length < offset + 4) return undefined;
  const flags = u16(data, offset);
  const version = flags & 0x7;
  const protocol = u16(data, offset + 2);
  if (version !== 0) return { version, protocol, next: offset + 4 };
  const checksum = flags & 0x8000 ? 4 : 0;
  const hasKey = (flags & 0x2000) !== 0;
  const sequence = flags & 0x1000 ? 4 : 0;
  const next = offset + 4 + checksum + (hasKey ? 4 : 0) + sequence;
  if (data.length < next) return undefined;
  return hasKey ? { version, protocol, key: u32(data, offset + 4 + checksum), next } : { version, protocol, next };
}

export function u16(data: Uint8Array, offset: number): number {
  return (data[offset] << 8) | data[offset + 1];
}

export function u24(data: Uint8Array, offset: number): number {
  return (data[offset] << 16) | (data[offset + 1] << 8) | data[offset + 2];
}

export function u32(data: Uint8Array, offset: number): number {
  return u16(data, offset) * 0x10000 + u16(data, offset + 2);
}

function mac(data: Uint8Array, offset: number, length: number): string | undefined {
  if (length === 0 || length > 8) return undefined;
  return Array.from(data.subarray(offset, offset + length), (b) => b.toString(16).padStart(2, '0')).join(':');
}

function ipv4(data: Uint8Array, offset: number): string {
  return Array.from(data.subarray(offset, offset + 4)).join('.');
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
function ipv6(data: Uint8Array, offset: number): string {
  const groups = Array.from({ length: 8 }, (_, i) => u16(data, offset + 2 * i));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const text = groups.map((g) => g.toString(16));
  if (bestStart < 0) return text.join(':');
  return `${text.slice(0, bestStart).join(':')}::${text.slice(bestStart + bestLength).join(':')}`;
}
