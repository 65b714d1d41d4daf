import { decodeIp, decodeLink, u16, u32 } from './decode';
import type { CapturedPacket } from './pcap';

const IPPROTO_TCP = 6;
const BGP_PORT = 179;
const BGP_HEADER = 19;
const BGP_UPDATE = 2;
const ATTR_MP_REACH = 14;
const ATTR_MP_UNREACH = 15;
const ATTR_EXTENDED_LENGTH = 0x10;
const AFI_IPV4 = 1;
const SAFI_LABELED_VPN = 128;

/** One labeled VPN-IPv4 route (RFC 4364) as a BGP UPDATE carried it. */
export interface VpnUpdate {
  /** The speakers the TCP segment went between. */
  from: string;
  to: string;
  kind: 'advertise' | 'withdraw';
  /** `10.240.0.22:0`: the route distinguisher as `admin:assigned`. */
  rd: string;
  prefix: string;
  /** The label stack, bottom label last (RFC 3107). */
  labels: number[];
  /** The BGP next hop (advertisements only). */
  nextHop?: string;
}

interface Segment {
  from: string;
  to: string;
  seq: number;
  payload: Uint8Array;
}

/** TCP segments to or from port 179 with a payload, per direction, in sequence order, retransmissions once. */
function bgpStreams(packets: readonly CapturedPacket[]): Map<string, Segment[]> {
  const streams = new Map<string, Segment[]>();
  for (const packet of packets) {
    const link = decodeLink(packet);
    const ip = link && decodeIp(packet.data, link.next, link.etherType);
    if (!ip || ip.protocol !== IPPROTO_TCP || packet.data.length < ip.next + 20) continue;
    const { data } = packet;
    const [srcPort, dstPort] = [u16(data, ip.next), u16(data, ip.next + 2)];
    if (srcPort !== BGP_PORT && dstPort !== BGP_PORT) continue;
    const start = ip.next + (data[ip.next + 12] >> 4) * 4;
    if (start >= data.length) continue;
    const key = `${ip.src}:${srcPort} ${ip.dst}:${dstPort}`;
    const segments = streams.get(key) ?? [];
    const seq = u32(data, ip.next + 4);
    if (!segments.some((s) => s.seq === seq)) segments.push({ from: ip.src, to: ip.dst, seq, payload: data.subarray(start) });
    streams.set(key, segments);
  }
  for (const segments of streams.values()) segments.sort((a, b) => a.seq - b.seq);
  return streams;
}

const ipv4 = (bytes: Uint8Array, at: number) => Array.from(bytes.subarray(at, at + 4)).join('.');

function routeDistinguisher(bytes: Uint8Array, at: number): string {
  const type = u16(bytes, at);
  if (type === 1) return `${ipv4(bytes, at + 2)}:${u16(bytes, at + 6)}`;
  if (type === 2) return `${u32(bytes, at + 2)}:${u16(bytes, at + 6)}`;
  return `${u16(bytes, at + 2)}:${u32(bytes, at + 4)}`;
}

/** The NLRI of SAFI 128: bit length, labels until the bottom-of-stack bit (a withdrawal's single 0x800000 too), RD, prefix. */
function labeledVpnRoutes(bytes: Uint8Array, start: number, end: number, withdraw: boolean): Array<Pick<VpnUpdate, 'rd' | 'prefix' | 'labels'>> {
  const routes: Array<Pick<VpnUpdate, 'rd' | 'prefix' | 'labels'>> = [];
  let at = start;
  while (at < end) {
    let bits = bytes[at++];
    const labels: number[] = [];
    for (;;) {
      const entry = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
      at += 3;
      bits -= 24;
      if (!withdraw) labels.push(entry >>> 4);
      // A withdrawal carries 0x800000 (RFC 8277) or the label it withdraws; either way one entry.
      if (withdraw || entry & 1) break;
    }
    const rd = routeDistinguisher(bytes, at);
    at += 8;
    bits -= 64;
    const octets = Array.from(bytes.subarray(at, at + Math.ceil(bits / 8)));
    at += Math.ceil(bits / 8);
    routes.push({ rd, prefix: `${[...octets, 0, 0, 0, 0].slice(0, 4).join('.')}/${bits}`, labels });
  }
  return routes;
}

/** The labeled VPN-IPv4 routes of one UPDATE message body (after the 19-byte header). */
function updateRoutes(message: Uint8Array, from: string, to: string): VpnUpdate[] {
  const withdrawnLength = u16(message, BGP_HEADER);
  let at = BGP_HEADER + 2 + withdrawnLength;
  const attributesEnd = at + 2 + u16(message, at);
  at += 2;
  const found: VpnUpdate[] = [];
  while (at < attributesEnd) {
    const [flags, type] = [message[at], message[at + 1]];
    const length = flags & ATTR_EXTENDED_LENGTH ? u16(message, at + 2) : message[at + 2];
    const value = at + (flags & ATTR_EXTENDED_LENGTH ? 4 : 3);
    at = value + length;
    if (type !== ATTR_MP_REACH && type !== ATTR_MP_UNREACH) continue;
    if (u16(message, value) !== AFI_IPV4 || message[value + 2] !== SAFI_LABELED_VPN) continue;
    if (type === ATTR_MP_UNREACH) {
      found.push(...labeledVpnRoutes(message, value + 3, value + length, true).map((r) => ({ ...r, from, to, kind: 'withdraw' as const })));
      continue;
    }
    const nextHopLength = message[value + 3];
    // A VPN-IPv4 next hop is an RD (zero) and the address.
    const nextHop = ipv4(message, value + 4 + nextHopLength - 4);
    const nlri = value + 4 + nextHopLength + 1;
    found.push(...labeledVpnRoutes(message, nlri, value + length, false).map((r) => ({ ...r, from, to, kind: 'advertise' as const, nextHop })));
  }
  return found;
}

/**
 * The labeled VPN-IPv4 routes advertised and withdrawn in the BGP UPDATEs of a capture, in the
 * order sent: each direction's TCP payloads are joined in sequence order and cut into BGP
 * messages; a message cut off by the snapshot length or the capture's end is left out.
 */
export function vpnUpdates(packets: readonly CapturedPacket[]): VpnUpdate[] {
  const updates: VpnUpdate[] = [];
  for (const segments of bgpStreams(packets).values()) {
    const stream = Buffer.concat(segments.map((s) => s.payload));
    const { from, to } = segments[0];
    for (let at = 0; at + BGP_HEADER <= stream.length; ) {
      const length = u16(stream, at + 16);
      if (length < BGP_HEADER || at + length > stream.length) break;
      if (stream[at + 18] === BGP_UPDATE) updates.push(...updateRoutes(stream.subarray(at, at + length), from, to));
      at += length;
    }
  }
  return updates;
}
