import type { Netmask } from 'netmask';
import type { Resolution, SubnetBlock } from './context';
import { block, hasHostBits, hostRange, isHost, networkCidr, toAddress, toLong } from './ipv4';
import type { AddressRange, Network, Route, Subnet, Tenant } from './model';
import type { RouteSpec, SubnetSpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';

export function resolveTenants(ctx: Resolution, spec: TopologySpec): Tenant[] {
  if (!spec.tenants) {
    ctx.tenants.push('default');
    return [{ name: 'default', source: ctx.place([]) }];
  }
  const seen = new Map<string, Path>();
  return spec.tenants.map((tenant, i) => {
    ctx.unique(seen, 'tenant', tenant.name, ['tenants', i]);
    if (!ctx.tenants.includes(tenant.name)) ctx.tenants.push(tenant.name);
    return { name: tenant.name, source: ctx.place(['tenants', i]) };
  });
}

export function resolveNetworks(ctx: Resolution, spec: TopologySpec): Network[] {
  const seenNetworks = new Map<string, Path>();
  const seenSubnets = new Map<string, Path>();
  const placed: (SubnetBlock & { path: Path })[] = [];
  const networks = spec.networks.map((networkSpec, n): Network => {
    const path = ['networks', n];
    ctx.unique(seenNetworks, 'network', networkSpec.name, path);
    const tenant = ctx.tenant(path, networkSpec.tenant);
    const subnets = networkSpec.subnets.map((subnetSpec, s) => {
      const subnetPath = [...path, 'subnets', s];
      const resolved = resolveSubnet(ctx, subnetSpec, `${networkSpec.name}-${s}`, networkSpec.name, tenant, subnetPath);
      ctx.unique(seenSubnets, 'subnet', resolved.subnet.name, subnetPath);
      if (!ctx.subnets.has(resolved.subnet.name)) ctx.subnets.set(resolved.subnet.name, resolved);
      placed.push({ ...resolved, path: subnetPath });
      return resolved.subnet;
    });
    const network = { name: networkSpec.name, tenant, external: networkSpec.external, shared: networkSpec.shared, subnets, source: ctx.place(path) };
    if (!ctx.networks.has(network.name)) ctx.networks.set(network.name, network);
    return network;
  });
  // Tenants are separate address spaces: overlap is a mistake within one, a feature across two.
  for (const [later, earlier] of overlapsWithEarlier(placed)) {
    const [a, b] = [placed[earlier], placed[later]];
    ctx.fail(
      [...b.path, 'cidr'],
      `subnet '${b.subnet.name}' (${b.subnet.cidr}) overlaps subnet '${a.subnet.name}' (${a.subnet.cidr}, line ${ctx.place(a.path).line}) in tenant '${b.subnet.tenant}'`,
      'choose a CIDR that does not overlap; only subnets of different tenants may overlap',
    );
  }
  return networks;
}

/**
 * Each subnet that overlaps one written before it in the same tenant, with the first such one, as
 * [later index, earlier index] in file order. CIDR blocks either nest or are apart, so one sweep
 * in address order (widest first) sees each block inside the stack of blocks that contain it: the
 * blocks that overlap it are those ancestors and its own descendants. n log n, not n²: a topology of
 * thousands of networks is validated in well under a second.
 */
function overlapsWithEarlier(placed: readonly SubnetBlock[]): [number, number][] {
  interface Open { index: number; end: number; ancestorsFirst: number; descendantsFirst: number }
  const found: [number, number][] = [];
  const byTenant = new Map<string, number[]>();
  placed.forEach((b, i) => {
    const list = byTenant.get(b.subnet.tenant);
    if (list) list.push(i);
    else byTenant.set(b.subnet.tenant, [i]);
  });
  for (const indices of byTenant.values()) {
    const order = indices.sort((i, j) => placed[i].block.netLong - placed[j].block.netLong || placed[j].block.size - placed[i].block.size || i - j);
    const stack: Open[] = [];
    const close = (node: Open) => {
      const first = Math.min(node.ancestorsFirst, node.descendantsFirst);
      if (first < node.index) found.push([node.index, first]);
      const parent = stack[stack.length - 1];
      if (parent) parent.descendantsFirst = Math.min(parent.descendantsFirst, node.index, node.descendantsFirst);
    };
    for (const index of order) {
      const start = placed[index].block.netLong;
      while (stack.length && stack[stack.length - 1].end < start) close(stack.pop()!);
      const top = stack[stack.length - 1];
      const ancestorsFirst = top ? Math.min(top.ancestorsFirst, top.index) : Infinity;
      stack.push({ index, end: start + placed[index].block.size - 1, ancestorsFirst, descendantsFirst: Infinity });
    }
    while (stack.length) close(stack.pop()!);
  }
  return found.sort((x, y) => x[0] - y[0]);
}

function resolveSubnet(ctx: Resolution, spec: SubnetSpec, defaultName: string, network: string, tenant: string, path: Path): SubnetBlock {
  const cidr = networkCidr(spec.cidr);
  if (hasHostBits(spec.cidr)) ctx.fail([...path, 'cidr'], `${spec.cidr} has host bits set; its network address is ${cidr}`, `write cidr: ${cidr}`);
  const net = block(cidr);
  const subnet: Subnet = {
    name: spec.name ?? defaultName,
    network,
    tenant,
    cidr,
    prefixLength: net.bitmask,
    netmask: net.mask,
    gateway: null,
    dhcp: spec.dhcp,
    allocationPools: [],
    dnsServers: spec.dnsServers,
    hostRoutes: [],
    source: ctx.place(path),
  };
  if (net.bitmask > 30) {
    ctx.fail([...path, 'cidr'], `${cidr} is too small for a subnet: it has no room for a gateway and a workload`, 'use a prefix of /30 or shorter, such as /24');
    return { subnet, block: net };
  }
  const { first } = hostRange(net);
  if (spec.gateway === undefined) subnet.gateway = toAddress(first);
  else if (spec.gateway !== 'none' && checkHost(ctx, [...path, 'gateway'], 'gateway', spec.gateway, subnet, net)) subnet.gateway = spec.gateway;
  subnet.allocationPools = spec.allocationPools ? checkPools(ctx, spec.allocationPools, subnet, net, path) : defaultPools(net, subnet.gateway);
  subnet.hostRoutes = routesVia(ctx, spec.hostRoutes, [...path, 'hostRoutes'], [{ subnet, block: net }]);
  return { subnet, block: net };
}

/** The whole subnet except the gateway, as Neutron plans it. */
function defaultPools(net: Netmask, gateway: string | null): AddressRange[] {
  const { first, last } = hostRange(net);
  const gw = gateway === null ? -1 : toLong(gateway);
  const ranges = gw < first ? [[first, last]] : [[first, gw - 1], [gw + 1, last]];
  return ranges.filter(([start, end]) => start <= end).map(([start, end]) => ({ start: toAddress(start), end: toAddress(end) }));
}

function checkPools(ctx: Resolution, pools: AddressRange[], subnet: Subnet, net: Netmask, path: Path): AddressRange[] {
  pools.forEach((pool, i) => {
    const poolPath = [...path, 'allocationPools', i];
    const inside = [checkHost(ctx, [...poolPath, 'start'], 'pool start', pool.start, subnet, net), checkHost(ctx, [...poolPath, 'end'], 'pool end', pool.end, subnet, net)];
    if (!inside.every(Boolean)) return;
    const [start, end] = [toLong(pool.start), toLong(pool.end)];
    if (start > end) {
      ctx.fail(poolPath, `allocation pool start ${pool.start} is after its end ${pool.end}`, `swap them: { start: ${pool.end}, end: ${pool.start} }`);
      return;
    }
    if (subnet.gateway && toLong(subnet.gateway) >= start && toLong(subnet.gateway) <= end) {
      ctx.fail(poolPath, `allocation pool ${pool.start}-${pool.end} contains the gateway ${subnet.gateway}`, 'start the pool after the gateway, or move the gateway out of the pool');
    }
    const other = pools.slice(0, i).find((p) => toLong(p.start) <= end && toLong(p.end) >= start);
    if (other) ctx.fail(poolPath, `allocation pool ${pool.start}-${pool.end} overlaps pool ${other.start}-${other.end}`, 'make the pools disjoint');
  });
  return pools;
}

/** Reports an address that is not a host address of the subnet; true when it is one. */
export function checkHost(ctx: Resolution, path: Path, what: string, address: string, subnet: Subnet, net: Netmask): boolean {
  if (isHost(net, address)) return true;
  const { first, last } = hostRange(net);
  const why = !net.contains(address) ? 'is outside' : address === net.base ? 'is the network address of' : 'is the broadcast address of';
  ctx.fail(path, `${what} ${address} ${why} subnet '${subnet.name}' (${subnet.cidr})`, `use an address from ${toAddress(first)} to ${toAddress(last)}`);
  return false;
}

/** Static routes whose next hop must be a host in one of `via` (the subnets the router or workload sits on). */
export function routesVia(ctx: Resolution, routes: RouteSpec[], path: Path, via: SubnetBlock[]): Route[] {
  return routes.map((route, i) => {
    const destination = networkCidr(route.destination);
    if (hasHostBits(route.destination)) {
      ctx.fail([...path, i, 'destination'], `${route.destination} has host bits set; its network address is ${destination}`, `write destination: ${destination}`);
    }
    if (!via.some(({ block: net }) => isHost(net, route.nexthop))) {
      const where = via.map(({ subnet }) => `'${subnet.name}' (${subnet.cidr})`).join(', ') || 'none';
      ctx.fail([...path, i, 'nexthop'], `next hop ${route.nexthop} is not on an attached subnet (attached: ${where})`, 'use the address of a neighbour on an attached subnet');
    }
    return { destination, nexthop: route.nexthop };
  });
}
