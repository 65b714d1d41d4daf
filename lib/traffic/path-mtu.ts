import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Shell } from '../access';
import type { Encapsulation } from '../target/schema';
import { reproduce } from './probe';

const BULK_FILE = fileURLToPath(new URL('./agents/bulk-echo.py', import.meta.url));
const BULK_SCRIPT = readFileSync(BULK_FILE, 'utf8');

/** IPv4 and ICMP headers: a ping payload of `mtu - 28` fills an IP packet of `mtu` bytes. */
export const ICMP_OVERHEAD = 28;
/** IPv4 and TCP headers without options. */
export const TCP_OVERHEAD = 40;

/**
 * What a tunnel adds to a workload's IP packet on the underlay (measured on the lab, OVN 23.x):
 * the inner Ethernet header (14), outer IPv4 (20), UDP (8), and the Geneve header (8) with OVN's one
 * 4-byte option and its TLV header (8), or the VXLAN header (8). Kinds not listed are not measured.
 */
export const TUNNEL_OVERHEAD: Partial<Record<Encapsulation, number>> = { geneve: 58, vxlan: 50 };

export interface DontFragmentPing {
  ok: boolean;
  /** The sender's own stack refused the size (`local error: message too long`): the packet never reached the network. */
  refusedLocally: boolean;
  /** A hop answered ICMP "fragmentation needed". */
  fragNeeded: boolean;
  output: string;
  repro: string;
}

/** One ping of `payload` bytes with Don't Fragment set (`ping -M do`). */
export async function pingDontFragment(from: Shell, address: string, payload: number): Promise<DontFragmentPing> {
  const argv = ['ping', '-n', '-c', '1', '-W', '2', '-M', 'do', '-s', String(payload), address];
  const result = await from.exec(argv, { timeoutMs: 15_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  const refusedLocally = /local error|message too long/i.test(output);
  return { ok: result.code === 0, refusedLocally, fragNeeded: /frag needed|fragmentation needed/i.test(output), output, repro: reproduce(from, argv) };
}

type Link = { mtu: number; stats64?: { tx: { bytes: number } } };

async function linkJson(shell: Shell, iface: string): Promise<Link> {
  const result = await shell.exec(['ip', '-j', '-s', 'link', 'show', 'dev', iface]);
  if (result.code !== 0) throw new Error(`${shell.name}: cannot read interface ${iface}: ${result.stderr.trim()}`);
  return (JSON.parse(result.stdout) as Link[])[0];
}

/** An interface's MTU, as its own host or workload sees it. */
export const linkMtu = async (shell: Shell, iface: string): Promise<number> => (await linkJson(shell, iface)).mtu;

/** Bytes the interface has sent: they grow only when the kernel handed a packet to the link, not when it refused it. */
export const sentBytes = async (shell: Shell, iface: string): Promise<number> => (await linkJson(shell, iface)).stats64?.tx.bytes ?? 0;

/** Sets an interface's MTU from inside its workload, as a tenant would (`ip link set mtu`). */
export async function setLinkMtu(shell: Shell, iface: string, mtu: number): Promise<void> {
  const result = await shell.exec(['ip', 'link', 'set', 'dev', iface, 'mtu', String(mtu)]);
  if (result.code !== 0) throw new Error(`${shell.name}: cannot set the MTU of ${iface} to ${mtu}: ${result.stderr.trim()}`);
}

export interface BulkEcho {
  ok: boolean;
  /** The MSS the connection settled on (TCP_MAXSEG). */
  mss?: number;
  error?: string;
  ms: number;
  repro: string;
}

/** Sends `bytes` as one line to a TCP echo port (a workload's port 7) and reads it back: full-size segments both ways. */
export async function tcpBulkEcho(from: Shell, address: string, port: number, bytes: number, timeoutS = 10): Promise<BulkEcho> {
  const args = [address, String(port), String(bytes), String(timeoutS)];
  const result = await from.exec(['python3', '-c', BULK_SCRIPT, ...args], { timeoutMs: (timeoutS + 10) * 1000 });
  const repro = reproduce(from, ['python3', BULK_FILE, ...args]);
  try {
    return { ...(JSON.parse(result.stdout) as Omit<BulkEcho, 'repro'>), repro };
  } catch {
    return { ok: false, error: `bulk echo did not run: ${(result.stderr || result.stdout).trim().split('\n').pop()}`, ms: 0, repro };
  }
}

/** The largest packet a host's underlay sends: the smallest MTU of its tunnel interface and uplinks. */
export async function underlayMtu(host: Shell, data: { interface: string; uplinks: string[] }): Promise<number> {
  return Math.min(...(await Promise.all([data.interface, ...data.uplinks].map((iface) => linkMtu(host, iface)))));
}
