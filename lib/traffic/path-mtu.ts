import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Shell } from '../access';
import { reproduce } from './probe';

const BULK_FILE = fileURLToPath(new URL('./agents/bulk-echo.py', import.meta.url));
const BULK_SCRIPT = readFileSync(BULK_FILE, 'utf8');

/** IPv4 and ICMP headers: a ping payload of `mtu - 28` fills an IP packet of `mtu` bytes. */
export const ICMP_OVERHEAD = 28;
/** IPv4 and TCP headers without options. */
export const TCP_OVERHEAD = 40;

export interface DontFragmentPing {
  ok: boolean;
  /** The sender refused the size (`message too long`) or a hop answered "fragmentation needed". */
  tooBig: boolean;
  output: string;
  repro: string;
}

/** One ping of `payload` bytes with Don't Fragment set (`ping -M do`). */
export async function pingDontFragment(from: Shell, address: string, payload: number): Promise<DontFragmentPing> {
  const argv = ['ping', '-n', '-c', '1', '-W', '2', '-M', 'do', '-s', String(payload), address];
  const result = await from.exec(argv, { timeoutMs: 15_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  return { ok: result.code === 0, tooBig: /message too long|frag needed|fragmentation needed/i.test(output), output, repro: reproduce(from, argv) };
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
