import type { Shell } from '../access/shell';
import { capture, type CaptureOptions } from './capture';
import type { CapturedPacket } from './pcap';

/**
 * Records several interfaces of one host at once while `during()` runs (one tcpdump each, all
 * capturing before `during()` starts): what crossed each, by interface name.
 */
export async function captureMany<T>(
  shell: Shell,
  ifaces: readonly string[],
  options: Omit<CaptureOptions, 'iface'>,
  during: () => Promise<T>,
): Promise<{ packets: Record<string, CapturedPacket[]>; result: T }> {
  const [first, ...rest] = ifaces;
  if (first === undefined) return { packets: {}, result: await during() };
  const outer = await capture(shell, { ...options, iface: first }, () => captureMany(shell, rest, options, during));
  return { packets: { [first]: outer.packets, ...outer.result.packets }, result: outer.result.result };
}
