import { Netmask, ip2long, long2ip } from 'netmask';

/** IPv4 arithmetic on top of `netmask`; addresses as unsigned 32-bit numbers where order matters. */
export const toLong = ip2long;
export const toAddress = long2ip;

/** A network block; the schema has already checked the CIDR's syntax. */
export function block(cidr: string): Netmask {
  return new Netmask(cidr);
}

/** The CIDR with its host bits cleared (`10.1.0.5/24` -> `10.1.0.0/24`). */
export function networkCidr(cidr: string): string {
  const net = block(cidr);
  return `${net.base}/${net.bitmask}`;
}

export function hasHostBits(cidr: string): boolean {
  return networkCidr(cidr) !== cidr;
}

export function overlaps(a: Netmask, b: Netmask): boolean {
  return a.contains(b) || b.contains(a);
}

/** Host addresses of a block: all but the network and broadcast address (a subnet is at most /30). */
export function hostRange(net: Netmask): { first: number; last: number } {
  return { first: net.netLong + 1, last: net.netLong + net.size - 2 };
}

/** Whether a workload or router may use `address` in `net`: inside it, and not its network or broadcast address. */
export function isHost(net: Netmask, address: string): boolean {
  const { first, last } = hostRange(net);
  const long = toLong(address);
  return long >= first && long <= last;
}
