import type { Resolution, SubnetBlock } from './context';
import { hasHostBits, networkCidr } from './ipv4';
import type { Workload, WorkloadPort } from './model';
import { checkHost, routesVia } from './networks';
import type { TopologySpec, WorkloadSpec } from './schema';
import type { Path } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';

/** A port before planning: `address` is null when the planner is to choose it. */
export type PortDraft = Omit<WorkloadPort, 'address' | 'mac'> & { address: string | null; path: Path };
/** `declaredPorts` counts the ports written, including any that failed to resolve. */
export type WorkloadDraft = Omit<Workload, 'ports'> & { ports: PortDraft[]; declaredPorts: number; path: Path };

/** Resolves workloads and expands `count` into replicas; each entry is checked once, whatever its count. */
export function resolveWorkloads(ctx: Resolution, spec: TopologySpec): WorkloadDraft[] {
  const seen = new Map<string, Path>();
  return spec.workloads.flatMap((workload, n) => {
    const path = ['workloads', n];
    const tenant = ctx.tenant(path, workload.tenant);
    const attached: SubnetBlock[] = [];
    const ports = workload.ports.flatMap((port, i) => {
      const resolved = resolvePort(ctx, workload, tenant, port, i, [...path, 'ports', i]);
      if (!resolved) return [];
      attached.push(resolved.found);
      return [resolved.port];
    });
    const routes = routesVia(ctx, workload.routes, [...path, 'routes'], attached);
    const names = workload.count > 1 ? Array.from({ length: workload.count }, (_, r) => `${workload.name}-${r + 1}`) : [workload.name];
    return names.map((name): WorkloadDraft => {
      ctx.unique(seen, 'workload', name, path);
      return {
        name,
        group: workload.name,
        tenant,
        forwarding: workload.forwarding,
        ports: ports.map((port) => ({ ...port, securityGroups: [...port.securityGroups], allowedAddressPairs: [...port.allowedAddressPairs] })),
        declaredPorts: workload.ports.length,
        routes: routes.map((route) => ({ ...route })),
        source: ctx.place(path),
        path,
      };
    });
  });
}

function resolvePort(
  ctx: Resolution,
  workload: WorkloadSpec,
  tenant: string,
  spec: WorkloadSpec['ports'][number],
  index: number,
  path: Path,
): { port: PortDraft; found: SubnetBlock } | undefined {
  const network = ctx.network([...path, 'network'], spec.network);
  checkGroups(ctx, tenant, spec.securityGroups ?? [], [...path, 'securityGroups']);
  const allowedAddressPairs = spec.allowedAddressPairs.map((pair, i) => {
    if (!pair.includes('/') || !hasHostBits(pair)) return pair;
    ctx.fail([...path, 'allowedAddressPairs', i], `${pair} has host bits set; its network address is ${networkCidr(pair)}`, `write ${networkCidr(pair)}`);
    return networkCidr(pair);
  });
  if (!network) return undefined;
  // External and shared networks take workloads of any tenant.
  if (network.tenant !== tenant && !network.external && !network.shared) {
    ctx.fail([...path, 'network'], `network '${network.name}' belongs to tenant '${network.tenant}', but workload '${workload.name}' to tenant '${tenant}'`, 'plug a workload only into networks of its own tenant');
    return undefined;
  }
  const found = ctx.subnet([...path, 'subnet'], network, spec.subnet);
  if (!found) return undefined;
  const { subnet, block } = found;
  let address: string | null = null;
  if (spec.address !== undefined) {
    if (workload.count > 1) {
      ctx.fail([...path, 'address'], `workload '${workload.name}' has ${workload.count} replicas, which cannot share one fixed address`, 'leave the address out to have one planned per replica, or set count: 1');
    } else if (checkHost(ctx, [...path, 'address'], 'address', spec.address, subnet, block)) {
      ctx.claim(subnet, spec.address, [...path, 'address'], `workload '${workload.name}'`);
      address = spec.address;
    }
  }
  const port: PortDraft = {
    index,
    interface: `eth${index}`,
    network: network.name,
    subnet: subnet.name,
    cidr: subnet.cidr,
    address,
    prefixLength: subnet.prefixLength,
    gateway: subnet.gateway,
    portSecurity: spec.securityGroups !== undefined,
    securityGroups: spec.securityGroups ?? [],
    allowedAddressPairs,
    dhcp: spec.dhcp && checkDhcp(ctx, subnet, [...path, 'dhcp']),
    source: ctx.place(path),
    path,
  };
  return { port, found };
}

/** A DHCP port needs a subnet whose DHCP server (answering from the gateway address) is on. */
function checkDhcp(ctx: Resolution, subnet: SubnetBlock['subnet'], path: Path): boolean {
  if (!subnet.dhcp) ctx.fail(path, `subnet '${subnet.name}' does not serve DHCP`, 'set dhcp: true on the subnet, or drop dhcp from the port');
  else if (subnet.gateway === null) ctx.fail(path, `subnet '${subnet.name}' has no gateway, the address its DHCP server answers from`, 'give the subnet a gateway, or drop dhcp from the port');
  else return true;
  return false;
}

function checkGroups(ctx: Resolution, tenant: string, names: string[], path: Path): void {
  names.forEach((name, i) => {
    const group = ctx.securityGroups.get(name);
    if (!group) {
      ctx.fail([...path, i], `unknown security group '${name}'`, suggestion(name, [...ctx.securityGroups.keys()], 'security groups'));
    } else if (group.tenant !== tenant) {
      ctx.fail([...path, i], `security group '${name}' belongs to tenant '${group.tenant}', not '${tenant}'`, 'use only groups of the workload\'s own tenant');
    }
  });
}
