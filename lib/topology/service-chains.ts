import { Netmask } from 'netmask';
import type { Resolution } from './context';
import type { ServiceChain, ServiceInstance } from './model';
import type { RouterDraft } from './routers';
import type { ServiceChainSpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';
import type { WorkloadDraft } from './workloads';

/**
 * Service chains: the router steers traffic between `left` and `right` to the instances' ports on
 * a third network of the router, and each instance forwards it back to the router. An instance on
 * `left` or `right` itself would hand the packet back through the port it was steered from, where
 * the router would steer it again: a loop.
 */
export function resolveServiceChains(ctx: Resolution, spec: TopologySpec, workloads: WorkloadDraft[], routers: RouterDraft[]): ServiceChain[] {
  const seen = new Map<string, Path>();
  const steered = new Map<string, Path>();
  return spec.serviceChains.map((chain, n) => {
    const path = ['serviceChains', n];
    ctx.unique(seen, 'service chain', chain.name, path);
    const router = routers.find((r) => r.name === chain.router);
    if (!router) ctx.fail([...path, 'router'], `unknown router '${chain.router}'`, suggestion(chain.router, routers.map((r) => r.name), 'routers'));
    const attached = new Set(router?.interfaces.map((i) => i.network) ?? []);
    for (const side of ['left', 'right'] as const) {
      if (ctx.network([...path, side], chain[side]) && router && !attached.has(chain[side])) {
        ctx.fail([...path, side], `network '${chain[side]}' is not on router '${router.name}'`, `add ${chain[side]} to the interfaces of router '${router.name}', or pick one of: ${[...attached].join(', ')}`);
      }
    }
    if (chain.left === chain.right) {
      // Which instance ports could serve is meaningless then: one error, not one per instance.
      ctx.fail([...path, 'right'], `left and right are both network '${chain.left}'`, 'a chain joins two different networks');
      return { name: chain.name, tenant: router?.tenant ?? ctx.tenants[0], router: chain.router, left: chain.left, right: chain.right, instances: [], mode: chain.mode, source: ctx.place(path) };
    }
    const key = `${chain.router}/${[chain.left, chain.right].sort().join('/')}`;
    const first = steered.get(key);
    if (first) ctx.fail(path, `service chain '${chain.name}' steers the same traffic as the chain on line ${ctx.place(first).line}`, 'list all its instances in one chain');
    else steered.set(key, path);
    const instances = chain.instances.flatMap((name, i) => resolveInstances(ctx, chain, name, [...path, 'instances', i], workloads, router));
    return { name: chain.name, tenant: router?.tenant ?? ctx.tenants[0], router: chain.router, left: chain.left, right: chain.right, instances, mode: chain.mode, source: ctx.place(path) };
  });
}

function resolveInstances(ctx: Resolution, chain: ServiceChainSpec, name: string, path: Path, workloads: WorkloadDraft[], router: RouterDraft | undefined): ServiceInstance[] {
  const named = workloads.filter((w) => w.name === name || w.group === name);
  if (!named.length) {
    ctx.fail(path, `unknown workload '${name}'`, suggestion(name, [...new Set(workloads.flatMap((w) => [w.name, w.group]))], 'workloads'));
    return [];
  }
  // Replicas share their group's spec: one error for the group, not one per replica.
  const workload = named[0];
  if (!workload.forwarding) {
    ctx.fail(path, `workload '${workload.group}' does not forward, so it cannot be a service instance`, `add 'forwarding: true' to workload '${workload.group}'`);
    return [];
  }
  if (!router) return [];
  const service = new Set(router.interfaces.map((i) => i.network).filter((net) => net !== chain.left && net !== chain.right));
  const port = workload.ports.find((p) => service.has(p.network));
  if (!port) {
    const where = service.size ? `one of: ${[...service].join(', ')}` : `a network of router '${router.name}' other than '${chain.left}' and '${chain.right}'`;
    ctx.fail(path, `workload '${workload.group}' has no port on a service network of router '${router.name}' (a network of the router other than left and right)`, `give it a port on ${where}`);
    return [];
  }
  if (port.portSecurity) {
    const pairs = port.allowedAddressPairs.map((pair) => new Netmask(pair.includes('/') ? pair : `${pair}/32`));
    const uncovered = [chain.left, chain.right]
      .flatMap((net) => ctx.networks.get(net)?.subnets.map((s) => s.cidr) ?? [])
      .filter((cidr) => !pairs.some((pair) => pair.contains(cidr)));
    if (uncovered.length) {
      ctx.fail(path, `port ${port.interface} of workload '${workload.group}' has port security, which drops the traffic it forwards from ${uncovered.join(', ')}`, `add allowedAddressPairs: [${uncovered.join(', ')}] to the port, or leave its securityGroups out`);
      return [];
    }
  }
  return named.map((w) => ({ workload: w.name, port: port.index, network: port.network }));
}
