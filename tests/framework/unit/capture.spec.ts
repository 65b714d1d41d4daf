import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { LocalShell } from '../../../lib/access/local';
import type { Shell } from '../../../lib/access/shell';
import { capture } from '../../../lib/capture/capture';
import { classify, summarize, type ClassifiedPacket } from '../../../lib/capture/classify';
import { decodeIp, decodeLink, decodeUdp } from '../../../lib/capture/decode';
import { parseCapture, type CapturedPacket } from '../../../lib/capture/pcap';
import { NetvetError } from '../../../lib/util/errors';
import { run } from '../../../lib/util/exec';

/** A fresh network namespace with loopback up: a host of the test's own, removed afterwards. */
const test = base.extend<{ netns: string }>({
  netns: async ({}, use) => {
    const name = `nvcap-${randomBytes(4).toString('hex')}`;
    await run(['ip', 'netns', 'add', name]);
    try {
      await run(['ip', 'link', 'set', 'lo', 'up'], { netns: name });
      await use(name);
    } finally {
      await run(['ip', 'netns', 'del', name]);
    }
  },
});

const FIXTURES = new URL('../fixtures/pcap/', import.meta.url);

function load(name: string): CapturedPacket[] {
  return parseCapture(readFileSync(new URL(name, FIXTURES)), name);
}

function only(name: string): ClassifiedPacket {
  const packets = load(name);
  expect(packets).toHaveLength(1);
  return classify(packets[0]);
}

/** The error `parse` throws, as the CLI would print it. */
function parseError(bytes: Uint8Array): string {
  try {
    parseCapture(bytes, 'bad.pcap');
  } catch (error) {
    expect(error).toBeInstanceOf(NetvetError);
    return (error as NetvetError).format();
  }
  throw new Error('expected the capture to be rejected');
}

const v4 = (src: string, dst: string, protocol: number) => ({ version: 4, src, dst, protocol });

test.describe('classifying the fixtures', () => {
  test('VXLAN behind a VLAN tag: VNI and tenant addresses', () => {
    expect(only('vxlan.pcap')).toEqual({ encap: { kind: 'vxlan', vni: 5001 }, outer: v4('192.0.2.11', '192.0.2.12', 17), inner: v4('10.0.1.1', '10.0.1.2', 1) });
    expect(decodeLink(load('vxlan.pcap')[0])?.vlans).toEqual([100]);
  });

  test('Geneve over IPv6 with one option', () => {
    expect(only('geneve.pcap')).toEqual({
      encap: { kind: 'geneve', vni: 7, options: [{ class: 0x0102, type: 0x80, length: 4 }] },
      outer: { version: 6, src: '2001:db8::11', dst: '2001:db8::12', protocol: 17 },
      inner: v4('10.0.2.1', '10.0.2.2', 6),
    });
  });

  test('MPLS over UDP carrying an IP packet', () => {
    expect(only('mplsoudp.pcap')).toEqual({ encap: { kind: 'mplsoudp', labels: [299776] }, outer: v4('192.0.2.21', '192.0.2.22', 17), inner: v4('10.0.3.1', '10.0.3.2', 17) });
  });

  test('MPLS over GRE with two labels carrying an Ethernet frame', () => {
    expect(only('mplsogre.pcap')).toEqual({ encap: { kind: 'mplsogre', labels: [16, 17] }, outer: v4('192.0.2.31', '192.0.2.32', 47), inner: v4('10.0.4.1', '10.0.4.2', 1) });
  });

  test('keyed GRE carrying an Ethernet frame, as an OVS mirror port sends it', () => {
    expect(only('gre.pcap')).toEqual({ encap: { kind: 'gre', protocol: 0x6558, key: 7 }, outer: v4('192.0.2.41', '192.0.2.42', 47), inner: v4('10.0.5.1', '10.0.5.2', 1) });
  });

  test('plain UDP is no tunnel', () => {
    expect(only('plain.pcap')).toEqual({ encap: { kind: 'none' }, outer: v4('192.0.2.51', '192.0.2.52', 17) });
  });

  test('real cooked captures from tcpdump -i any (SLL and SLL2)', () => {
    for (const [name, linkType] of [['sll-vxlan.pcap', 113], ['sll2-vxlan.pcap', 276]] as const) {
      const [packet] = load(name);
      expect(packet.linkType).toBe(linkType);
      expect(classify(packet)).toEqual({ encap: { kind: 'vxlan', vni: 5002 }, outer: v4('127.0.0.1', '127.0.0.1', 17), inner: v4('10.0.6.1', '10.0.6.2', 1) });
    }
  });

  test('a packet cut by the snapshot length keeps its VNI but has no inner header', () => {
    const [packet] = load('vxlan.pcap');
    expect(classify({ ...packet, data: packet.data.subarray(0, 60) })).toEqual({ encap: { kind: 'vxlan', vni: 5001 }, outer: v4('192.0.2.11', '192.0.2.12', 17) });
  });
});

test.describe('reading capture files', () => {
  test('pcap timestamps in microseconds (little-endian) and nanoseconds (big-endian)', () => {
    const [micro] = load('vxlan.pcap');
    const [nano] = load('vxlan-be-nsec.pcap');
    expect(micro.timestamp).toEqual({ seconds: 1700000000, nanoseconds: 123457000 });
    expect(nano.timestamp).toEqual({ seconds: 1700000000, nanoseconds: 123456789 });
    expect(nano.data).toEqual(micro.data);
    expect(micro.originalLength).toBe(96);
  });

  test('pcapng from editcap: every kind once, summarized per kind and per id', () => {
    const packets = load('all-kinds.pcapng');
    expect(packets.map((p) => p.timestamp)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ seconds: 1700000000 + i, nanoseconds: 123456789 })));
    expect(summarize(packets.map(classify))).toEqual({
      total: 6,
      kinds: { vxlan: 1, geneve: 1, mplsoudp: 1, mplsogre: 1, gre: 1, none: 1 },
      ids: { 'vxlan:5001': 1, 'geneve:7': 1, 'mplsoudp:299776': 1, 'mplsogre:16/17': 1, 'gre:7': 1 },
    });
  });

  test('big-endian pcapng: binary clock, skipped blocks, a simple packet block', () => {
    const [enhanced, simple] = load('crafted-be.pcapng');
    expect(enhanced.timestamp).toEqual({ seconds: 1700000000, nanoseconds: 500000000 });
    expect(classify(enhanced).encap).toEqual({ kind: 'vxlan', vni: 5001 });
    expect(simple.timestamp).toBeUndefined();
    expect(simple.data).toEqual(load('plain.pcap')[0].data);
  });

  test('malformed files are rejected with the byte offset and what was expected', () => {
    const pcap = readFileSync(new URL('vxlan.pcap', FIXTURES));
    expect(parseError(new Uint8Array())).toContain('bad.pcap: byte 0: expected a pcap or pcapng magic number, but the file ends after 0 more byte(s)');
    expect(parseError(Buffer.from('not a capture file'))).toContain('byte 0: expected a pcap magic (a1b2c3d4 or a1b23c4d) or a pcapng section header (0a0d0d0a), found 6e6f7420');
    expect(parseError(pcap.subarray(0, 20))).toContain('byte 0: expected a 24-byte pcap file header, but the file ends after 20 more byte(s)');
    expect(parseError(pcap.subarray(0, 30))).toContain('byte 24: expected a 16-byte packet record header, but the file ends after 6 more byte(s)');
    expect(parseError(pcap.subarray(0, pcap.length - 10))).toContain('byte 40: expected 96 bytes of packet data, but the file ends after 86 more byte(s)');
    expect(parseError(pcap.subarray(0, pcap.length - 10))).toContain('fix: the capture file is truncated or corrupt');

    const rawIp = Buffer.from(pcap);
    rawIp.writeUInt32LE(101, 20);
    expect(parseError(rawIp)).toContain('byte 20: link type 101 is not supported');

    const pcapng = readFileSync(new URL('all-kinds.pcapng', FIXTURES));
    expect(parseError(pcapng.subarray(0, pcapng.length - 2))).toMatch(/byte \d+: expected a \d+-byte block, but the file ends/);
    const badTrailer = Buffer.from(pcapng);
    badTrailer.writeUInt32LE(0, badTrailer.length - 4);
    expect(parseError(badTrailer)).toMatch(/the block's trailing length does not repeat its leading length \d+/);
  });
});

/**
 * The namespace's LocalShell, noting the temp directories capture() makes; with `path`, its
 * commands see only the programs in that directory (a host without tcpdump).
 */
function hostShell(netns: string, path?: string): Shell & { dirs: string[] } {
  const local = new LocalShell(netns);
  const dirs: string[] = [];
  return {
    name: local.name,
    dirs,
    async exec(argv, options) {
      const result = await local.exec(path ? ['env', `PATH=${path}`, ...argv] : argv, options);
      if (argv[0] === 'mktemp') dirs.push(result.stdout.trim());
      return result;
    },
  };
}

// Sends hex-encoded datagrams to 127.0.0.1; values are arguments, never part of the script.
const SEND = 'import socket, sys\nfor arg in sys.argv[1:]:\n    port, payload = arg.split(":")\n    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(bytes.fromhex(payload), ("127.0.0.1", int(port)))';

/** The UDP payload of a fixture packet: for vxlan.pcap the VXLAN header and the tenant frame. */
function udpPayload(name: string): string {
  const [packet] = load(name);
  const link = decodeLink(packet)!;
  const ip = decodeIp(packet.data, link.next, link.etherType)!;
  return Buffer.from(packet.data.subarray(decodeUdp(packet.data, ip.next)!.next)).toString('hex');
}

test.describe('capturing on a host through its Shell', () => {
  test.skip(process.getuid?.() !== 0, 'network namespaces need root');
  test.skip(!existsSync('/usr/bin/tcpdump') && !existsSync('/usr/sbin/tcpdump'), 'tcpdump is not installed here');

  test('a VXLAN datagram is captured and classified beside a plain one', async ({ netns }) => {
    const shell = hostShell(netns);
    const send = [`4789:${udpPayload('vxlan.pcap')}`, `5353:${udpPayload('plain.pcap')}`];
    const { packets, result, stoppedEarly, droppedByKernel } = await capture(shell, { iface: 'lo', filter: ['udp'], maxSeconds: 60 }, async () => {
      await run(['python3', '-c', SEND, ...send], { netns });
      return 'sent';
    });
    expect(result).toBe('sent');
    expect([stoppedEarly, droppedByKernel]).toEqual([undefined, 0]);
    const classified = packets.map(classify);
    expect(summarize(classified)).toEqual({ total: 2, kinds: { vxlan: 1, none: 1 }, ids: { 'vxlan:5001': 1 } });
    expect(classified[0].inner).toEqual(v4('10.0.1.1', '10.0.1.2', 1));
    expect(shell.dirs).toHaveLength(1);
    expect(existsSync(shell.dirs[0])).toBe(false);
  });

  test('the packet limit ends the capture early and says so', async ({ netns }) => {
    const payload = udpPayload('vxlan.pcap');
    const { packets, stoppedEarly } = await capture(hostShell(netns), { iface: 'lo', filter: ['udp', 'port', '4789'], maxPackets: 1 }, () =>
      run(['python3', '-c', SEND, `4789:${payload}`, `4789:${payload}`], { netns }),
    );
    expect(packets).toHaveLength(1);
    expect(stoppedEarly).toBe('maxPackets');
  });

  test('tcpdump is stopped and its files removed when the traffic step throws', async ({ netns }) => {
    const shell = hostShell(netns);
    await expect(capture(shell, { iface: 'lo' }, () => Promise.reject(new Error('traffic failed')))).rejects.toThrow('traffic failed');
    expect((await run(['ip', 'netns', 'pids', netns])).stdout.trim()).toBe('');
    expect(existsSync(shell.dirs[0])).toBe(false);
  });

  test('a host without tcpdump gets an error naming the host and the fix', async ({ netns }) => {
    const bin = mkdtempSync(join(tmpdir(), 'nvcap-bin-'));
    try {
      for (const tool of ['sh', 'mktemp', 'timeout', 'stat', 'cat', 'grep', 'base64', 'rm']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      const shell = hostShell(netns, bin);
      const error = await capture(shell, { iface: 'lo' }, () => Promise.resolve()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetvetError);
      expect((error as NetvetError).format()).toBe(`tcpdump is not installed on ns:${netns}@local\n  fix: install it on that host: apt-get install tcpdump (or dnf install tcpdump)`);
      expect(existsSync(shell.dirs[0])).toBe(false);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('a missing interface is reported with tcpdump\'s own words', async ({ netns }) => {
    await expect(capture(hostShell(netns), { iface: 'nvcap-none' }, () => Promise.resolve())).rejects.toThrow(
      /tcpdump on ns:nvcap-\w+@local could not capture on nvcap-none \(exit 1\): .*nvcap-none/,
    );
  });
});
