import { parse } from 'node:path';
import { NetvetError } from '../util/errors';
import { Resolution } from './context';
import { resolveFloatingIps } from './floating-ips';
import { toAddress, toLong } from './ipv4';
import type { RouterInterface, Subnet, Topology, Workload, WorkloadPort } from './model';
import { resolveMirrors } from './mirrors';
import { resolveNetworks, resolveTenants } from './networks';
import { resolvePlacement } from './placement';
import { resolvePolicies } from './policies';
import { resolveRouters, type RouterDraft } from './routers';
import type { TopologySpec } from './schema';
import { resolveSecurityGroups } from './security-groups';
import { resolveServiceChains } from './service-chains';
import { inFileOrder, type Path, type SourceLocator } from '../util/yaml/source';
import { resolveWorkloads, type WorkloadDraft } from './workloads';

export interface PlanOptions {
  /**
   * Seeds the planned MAC addresses: the same seed and topology always give the same MACs; another
   * seed (one per run or worker) gives another 24-bit MAC prefix, so topologies built side by side
   * do not share MACs.
   */
  macSeed?: string | number;
  /** Addresses the planner must not hand out (the target's own, a DHCP server's), in whichever subnet holds them. */
  reserved?: readonly string[];
}

/**
 * Resolves every default, checks every reference and plans every address and MAC. Deterministic:
 * ports take the lowest free address of their subnet's pools in the order the file lists them.
 * Throws one NetvetErrors with everything wrong.
 */
export function planTopology(spec: TopologySpec, source: SourceLocator, options: PlanOptions = {}): Topology {
  const ctx = new Resolution(source);
  const tenants = resolveTenants(ctx, spec);
  const networks = resolveNetworks(ctx, spec);
  const routerDrafts = resolveRouters(ctx, spec);
  const securityGroups = resolveSecurityGroups(ctx, spec);
  const workloadDrafts = resolveWorkloads(ctx, spec);
  const placement = resolvePlacement(ctx, spec, workloadDrafts);
  const floatingIps = resolveFloatingIps(ctx, spec, workloadDrafts, routerDrafts);
  const mirrors = resolveMirrors(ctx, spec, workloadDrafts);
  const serviceChains = resolveServiceChains(ctx, spec, workloadDrafts, routerDrafts);
  const policies = resolvePolicies(ctx, spec);
  if (ctx.errors.length) throw inFileOrder(ctx.errors);
  const mac = macPlanner(options.macSeed ?? 0);
  const workloads = assignAddresses(ctx, workloadDrafts, options.reserved ?? [], mac);
  if (ctx.errors.length) throw inFileOrder(ctx.errors);
  return {
    name: spec.name ?? parse(source.file).name,
    description: spec.description ?? null,
    file: source.file,
    tenants,
    networks,
    routers: routerDrafts.map((router: RouterDraft) => ({
      ...router,
      interfaces: router.interfaces.map((i): RouterInterface => ({ ...i, mac: mac() })),
    })),
    securityGroups,
    workloads,
    placement,
    floatingIps,
    mirrors,
    serviceChains,
    policies,
  };
}

function assignAddresses(ctx: Resolution, drafts: WorkloadDraft[], reserved: readonly string[], mac: () => string): Workload[] {
  const pools = new Map<string, Pool>();
  const starved = new Map<Pool, { path: Path; what: string; count: number }>();
  const workloads = drafts.map(({ path: _path, declaredPorts: _declared, ...workload }): Workload => ({
    ...workload,
    ports: workload.ports.map(({ path, ...port }): WorkloadPort => {
      const pool = pools.get(port.subnet) ?? newPool(ctx, port.subnet, reserved);
      pools.set(port.subnet, pool);
      const address = port.address ?? pool.take();
      if (address === undefined) {
        const first = starved.get(pool) ?? { path, what: `workload '${workload.name}' port ${port.interface}`, count: 0 };
        starved.set(pool, { ...first, count: first.count + 1 });
      }
      // A port left without an address only lives until the error below is thrown.
      return { ...port, address: address ?? '', mac: mac() };
    }),
  }));
  for (const [pool, { path, what, count }] of starved) {
    const more = count > 1 ? ` and ${count - 1} more port${count > 2 ? 's' : ''}` : '';
    ctx.fail(
      path,
      `subnet '${pool.subnet.name}' (${pool.subnet.cidr}) has no free address left for ${what}${more}; its allocation pools hold ${pool.size}`,
      'widen the allocation pools or the CIDR, or lower the workload count',
    );
  }
  return workloads;
}

interface Pool {
  subnet: Subnet;
  size: number;
  take(): string | undefined;
}

/** Hands out the lowest free address of a subnet's pools, skipping every address already claimed. */
function newPool(ctx: Resolution, subnetName: string, reserved: readonly string[]): Pool {
  const resolved = ctx.subnets.get(subnetName);
  if (!resolved) throw new Error(`subnet ${subnetName} was not resolved`);
  const { subnet, block } = resolved;
  const taken = new Set<number>(ctx.claimed(subnetName));
  if (subnet.gateway) taken.add(toLong(subnet.gateway));
  for (const address of reserved) if (block.contains(address)) taken.add(toLong(address));
  const ranges = subnet.allocationPools.map((p) => ({ start: toLong(p.start), end: toLong(p.end) }));
  let range = 0;
  let next = ranges[0]?.start ?? 0;
  return {
    subnet,
    size: ranges.reduce((sum, r) => sum + r.end - r.start + 1, 0),
    take() {
      while (range < ranges.length) {
        if (next > ranges[range].end) {
          range++;
          next = ranges[range]?.start ?? 0;
          continue;
        }
        const candidate = next++;
        if (!taken.has(candidate)) {
          taken.add(candidate);
          return toAddress(candidate);
        }
      }
      return undefined;
    },
  };
}

/**
 * Locally administered unicast MACs, `02:ss:ss:ss:nn:nn`: three bytes hashed from the seed, then the
 * port's sequence number (workload ports in file order, then router interfaces).
 */
function macPlanner(seed: string | number): () => string {
  // FNV-1a: a stable, well-spread hash that needs no dependency.
  let hash = 0x811c9dc5;
  for (const char of String(seed)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  const prefix = [hash >>> 16, hash >>> 8, hash].map((b) => (b & 0xff).toString(16).padStart(2, '0'));
  let sequence = 0;
  return () => {
    if (sequence > 0xffff) throw new NetvetError('a topology has at most 65536 ports', 'split the topology into smaller ones');
    const n = sequence++;
    return ['02', ...prefix, (n >>> 8).toString(16).padStart(2, '0'), (n & 0xff).toString(16).padStart(2, '0')].join(':');
  };
}
