import { NetvetError } from '../util/errors';

/** The link layers netvet decodes: Ethernet, and Linux cooked captures (`tcpdump -i any`). */
export const LINK_ETHERNET = 1;
export const LINK_LINUX_SLL = 113;
export const LINK_LINUX_SLL2 = 276;
const SUPPORTED_LINKS = [LINK_ETHERNET, LINK_LINUX_SLL, LINK_LINUX_SLL2];

export interface Timestamp {
  seconds: number;
  nanoseconds: number;
}

export interface CapturedPacket {
  /** Absent only for pcapng Simple Packet Blocks, which carry no time. */
  timestamp?: Timestamp;
  linkType: number;
  /** The bytes captured, possibly cut at the snapshot length. */
  data: Uint8Array;
  /** The length the packet had on the wire. */
  originalLength: number;
}

const PCAPNG_SECTION = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
// Larger than any real snapshot length; a record claiming more is a corrupt file.
const MAX_RECORD = 0x4000000;

/**
 * Parses a classic pcap file (either byte order, micro- or nanosecond clock) or a pcapng file.
 * `source` names the file or host in errors.
 */
export function parseCapture(bytes: Uint8Array, source = 'capture'): CapturedPacket[] {
  const reader = new Reader(bytes, source);
  reader.need(0, 4, 'a pcap or pcapng magic number');
  const magic = reader.view.getUint32(0, false);
  if (magic === PCAPNG_SECTION) return parsePcapng(reader);
  for (const little of [false, true]) {
    const value = reader.view.getUint32(0, little);
    if (value === PCAP_MICRO || value === PCAP_NANO) return parsePcap(reader, little, value === PCAP_NANO);
  }
  throw reader.error(0, `expected a pcap magic (a1b2c3d4 or a1b23c4d) or a pcapng section header (0a0d0d0a), found ${hex(magic, 8)}`);
}

function parsePcap(reader: Reader, little: boolean, nano: boolean): CapturedPacket[] {
  reader.need(0, 24, 'a 24-byte pcap file header');
  const { view } = reader;
  const linkType = view.getUint32(20, little) & 0xffff;
  reader.checkLink(linkType, 20);
  const packets: CapturedPacket[] = [];
  for (let offset = 24; offset < reader.bytes.length; ) {
    reader.need(offset, 16, 'a 16-byte packet record header');
    const seconds = view.getUint32(offset, little);
    const fraction = view.getUint32(offset + 4, little);
    const captured = view.getUint32(offset + 8, little);
    const originalLength = view.getUint32(offset + 12, little);
    if (captured > MAX_RECORD) throw reader.error(offset + 8, `packet record claims ${captured} captured bytes; the file is corrupt`);
    reader.need(offset + 16, captured, `${captured} bytes of packet data`);
    packets.push({
      timestamp: { seconds, nanoseconds: nano ? fraction : fraction * 1000 },
      linkType,
      data: reader.bytes.subarray(offset + 16, offset + 16 + captured),
      originalLength,
    });
    offset += 16 + captured;
  }
  return packets;
}

interface Interface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second, from the if_tsresol option (microseconds by default). */
  unitsPerSecond: bigint;
  offsetSeconds: bigint;
}

function parsePcapng(reader: Reader): CapturedPacket[] {
  const packets: CapturedPacket[] = [];
  const { view } = reader;
  let little = true;
  let interfaces: Interface[] = [];
  for (let offset = 0; offset < reader.bytes.length; ) {
    reader.need(offset, 12, 'a pcapng block header');
    // The section header's type reads the same in both byte orders; its magic sets the order.
    const type = view.getUint32(offset, little);
    if (type === PCAPNG_SECTION) {
      const order = view.getUint32(offset + 8, true);
      if (order !== PCAPNG_BYTE_ORDER && view.getUint32(offset + 8, false) !== PCAPNG_BYTE_ORDER) {
        throw reader.error(offset + 8, `expected the byte-order magic 1a2b3c4d, found ${hex(order, 8)}`);
      }
      little = order === PCAPNG_BYTE_ORDER;
      // Interface ids count from zero again in every section.
      interfaces = [];
    }
    const length = view.getUint32(offset + 4, little);
    if (length < 12 || length % 4 !== 0) throw reader.error(offset + 4, `block length ${length} is not a multiple of 4 of at least 12`);
    reader.need(offset, length, `a ${length}-byte block`);
    if (view.getUint32(offset + length - 4, little) !== length) {
      throw reader.error(offset + length - 4, `the block's trailing length does not repeat its leading length ${length}`);
    }
    const body = offset + 8;
    const end = offset + length - 4;
    if (type === 1) interfaces.push(readInterface(reader, body, end, little));
    else if (type === 6) packets.push(readEnhancedPacket(reader, body, end, little, interfaces));
    else if (type === 3) packets.push(readSimplePacket(reader, body, end, little, interfaces));
    // Other blocks (name resolution, statistics, custom) say nothing about the packets.
    offset += length;
  }
  return packets;
}

function readInterface(reader: Reader, body: number, end: number, little: boolean): Interface {
  reader.within(body, 8, end, 'the interface description');
  const linkType = reader.view.getUint16(body, little);
  reader.checkLink(linkType, body);
  const found: Interface = { linkType, snapLength: reader.view.getUint32(body + 4, little), unitsPerSecond: 1_000_000n, offsetSeconds: 0n };
  for (let at = body + 8; at + 4 <= end; ) {
    const code = reader.view.getUint16(at, little);
    const size = reader.view.getUint16(at + 2, little);
    if (code === 0) break;
    reader.within(at + 4, size, end, `option ${code}`);
    if (code === 9 && size >= 1) {
      const resolution = reader.bytes[at + 4];
      const exponent = BigInt(resolution & 0x7f);
      found.unitsPerSecond = resolution & 0x80 ? 2n ** exponent : 10n ** exponent;
    } else if (code === 14 && size >= 8) {
      found.offsetSeconds = reader.view.getBigInt64(at + 4, little);
    }
    at += 4 + size + (-size & 3);
  }
  return found;
}

function readEnhancedPacket(reader: Reader, body: number, end: number, little: boolean, interfaces: Interface[]): CapturedPacket {
  reader.within(body, 20, end, 'the enhanced packet header');
  const { view } = reader;
  const id = view.getUint32(body, little);
  const nic = interfaces[id];
  if (!nic) throw reader.error(body, `packet names interface ${id}, but the section describes ${interfaces.length} interface(s)`);
  const units = (BigInt(view.getUint32(body + 4, little)) << 32n) | BigInt(view.getUint32(body + 8, little));
  const captured = view.getUint32(body + 12, little);
  reader.within(body + 20, captured, end, `${captured} bytes of packet data`);
  return {
    timestamp: {
      seconds: Number(units / nic.unitsPerSecond + nic.offsetSeconds),
      nanoseconds: Number(((units % nic.unitsPerSecond) * 1_000_000_000n) / nic.unitsPerSecond),
    },
    linkType: nic.linkType,
    data: reader.bytes.subarray(body + 20, body + 20 + captured),
    originalLength: view.getUint32(body + 16, little),
  };
}

function readSimplePacket(reader: Reader, body: number, end: number, little: boolean, interfaces: Interface[]): CapturedPacket {
  reader.within(body, 4, end, 'the simple packet header');
  const nic = interfaces[0];
  if (!nic) throw reader.error(body, 'simple packet block before any interface description');
  const originalLength = reader.view.getUint32(body, little);
  // The captured length is implied: the wire length, cut at the snapshot length and the block.
  const limit = nic.snapLength === 0 ? originalLength : Math.min(originalLength, nic.snapLength);
  const captured = Math.min(limit, end - body - 4);
  return { linkType: nic.linkType, data: reader.bytes.subarray(body + 4, body + 4 + captured), originalLength };
}

class Reader {
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(offset: number, size: number, what: string): void {
    if (offset + size > this.bytes.length) {
      throw this.error(offset, `expected ${what}, but the file ends after ${this.bytes.length - offset} more byte(s)`);
    }
  }

  /** Like `need`, but bounded by the end of the enclosing pcapng block. */
  within(offset: number, size: number, end: number, what: string): void {
    if (offset + size > end) throw this.error(offset, `expected ${what}, but the block ends after ${end - offset} more byte(s)`);
  }

  checkLink(linkType: number, offset: number): void {
    if (!SUPPORTED_LINKS.includes(linkType)) {
      throw new NetvetError(
        `link type ${linkType} is not supported (only Ethernet ${LINK_ETHERNET}, Linux cooked SLL ${LINK_LINUX_SLL} and SLL2 ${LINK_LINUX_SLL2})`,
        'capture on an Ethernet-like interface, or on `any`',
        { file: this.source, field: `byte ${offset}` },
      );
    }
  }

  error(offset: number, message: string): NetvetError {
    return new NetvetError(message, 'the capture file is truncated or corrupt; capture again', { file: this.source, field: `byte ${offset}` });
  }
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}
