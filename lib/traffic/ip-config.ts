import type { Shell } from '../access';
import { NetvetError } from '../util/errors';

export interface InterfaceConfig {
  name: string;
  /** IPv4 addresses as `address/prefix`. */
  addresses: string[];
  mtu: number;
}

export interface Route {
  /** `default` or a CIDR. */
  destination: string;
  /** Next hop; null for a route straight onto the link. */
  via: string | null;
  dev: string;
}

async function ipJson<T>(shell: Shell, argv: string[]): Promise<T> {
  const result = await shell.exec(['ip', '-j', ...argv], { timeoutMs: 15_000 });
  if (result.code !== 0) throw new NetvetError(`'ip ${argv.join(' ')}' failed on ${shell.name}: ${result.stderr.trim()}`, `run it by hand on ${shell.name}`);
  return JSON.parse(result.stdout || '[]') as T;
}

type IpLink = { ifname: string; mtu: number; addr_info?: Array<{ family: string; local: string; prefixlen: number }> };

function toConfig(link: IpLink): InterfaceConfig {
  return {
    name: link.ifname,
    addresses: (link.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    mtu: link.mtu,
  };
}

/** Every interface of a host or workload, as its own `ip` reports it. */
export async function interfaces(shell: Shell): Promise<InterfaceConfig[]> {
  return (await ipJson<IpLink[]>(shell, ['addr', 'show'])).map(toConfig);
}

/** One interface, as its own `ip` reports it. */
export async function interfaceConfig(shell: Shell, iface: string): Promise<InterfaceConfig> {
  const found = (await interfaces(shell)).find((i) => i.name === iface);
  if (!found) throw new NetvetError(`${shell.name} has no interface ${iface}`, `list them with 'ip addr' on ${shell.name}`);
  return found;
}

/** The interface that holds `address` (how a host's management interface is found from the target file). */
export async function interfaceWithAddress(shell: Shell, address: string): Promise<InterfaceConfig> {
  const found = (await interfaces(shell)).find((i) => i.addresses.some((a) => a.split('/')[0] === address));
  if (!found) throw new NetvetError(`no interface on ${shell.name} holds ${address}`, `check the host's address in the target file against 'ip addr' on ${shell.name}`);
  return found;
}

/** The IPv4 main routing table. */
export async function routes(shell: Shell): Promise<Route[]> {
  const rows = await ipJson<Array<{ dst: string; gateway?: string; dev: string }>>(shell, ['-4', 'route', 'show']);
  return rows.map((r) => ({ destination: r.dst, via: r.gateway ?? null, dev: r.dev }));
}

/** The route the host would take to `address` (`ip route get`). */
export async function routeTo(shell: Shell, address: string): Promise<Route> {
  const [row] = await ipJson<Array<{ dst: string; gateway?: string; dev: string }>>(shell, ['-4', 'route', 'get', address]);
  return { destination: row.dst, via: row.gateway ?? null, dev: row.dev };
}
