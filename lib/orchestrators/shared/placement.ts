import type { Mirror, PlacementRule, Topology, WorkloadHostRole } from '../../topology';
import { NetvetError } from '../../util/errors';

/** What placement needs of a target host: its name, roles, and whether it runs workloads (an integration bridge). */
export interface PlacementHost {
  name: string;
  roles: readonly string[];
  integrationBridge?: string;
  data?: { address: string };
}

/** Where a workload may go: hosts with `role` (compute unless a rule says otherwise) and without `avoid`. */
interface Pool {
  role: WorkloadHostRole;
  avoid: WorkloadHostRole | null;
}

/**
 * The capability a target has when it offers `count` hosts of a pool that run workloads:
 * `compute:3`, `compute-without-gateway:1`, `gateway:1`. Scenarios ask for it (annotation
 * `requires`), capabilities.ts derives it from the target's hosts, placement names it when short.
 */
export function poolCapability(pool: Pool, count: number): string {
  return `${pool.role}${pool.avoid ? `-without-${pool.avoid}` : ''}:${count}`;
}

/** Every pool capability the hosts offer, from 1 up to each pool's size (requirements match by name). */
export function placementCapabilities(hosts: readonly PlacementHost[]): string[] {
  const roles: WorkloadHostRole[] = ['compute', 'gateway'];
  const pools: Pool[] = roles.flatMap((role) => [{ role, avoid: null }, ...roles.filter((r) => r !== role).map((avoid) => ({ role, avoid }))]);
  return pools.flatMap((pool) => Array.from({ length: inPool(hosts, pool).length }, (_, i) => poolCapability(pool, i + 1)));
}

function inPool(hosts: readonly PlacementHost[], pool: Pool): PlacementHost[] {
  return hosts.filter((h) => h.integrationBridge && h.roles.includes(pool.role) && !(pool.avoid && h.roles.includes(pool.avoid)));
}

/** The shortfall of a target for a topology: the capability a scenario must ask for to skip on it. */
export class PlacementShortfall extends NetvetError {
  constructor(
    message: string,
    /** The capability the target lacks, e.g. `compute:3`. */
    readonly missing: string,
    place: NetvetError['place'],
  ) {
    super(message, `run it on a target with ${missing}, or have the scenario ask for it ({ type: 'requires', description: '${missing}' }) so it skips here`, place);
  }
}

/** Workloads that must share a host (joined by `together`), with what their rules ask of it. */
interface Unit {
  workloads: string[];
  pool: Pool;
  /** Indexes of units this one must not share a host with. */
  apart: Set<number>;
  /** The rule that set the pool, for the error when it cannot be met. */
  poolRule: PlacementRule | null;
}

type Placed = Pick<Topology, 'name' | 'file' | 'workloads' | 'placement'>;

/**
 * Resolves a topology's placement intents against a target's hosts: workload name -> host name.
 * Both drivers use it, so a topology lands the same way through any orchestrator. Workloads no
 * rule constrains are balanced over the compute hosts (least loaded first, in file order), so the
 * result is deterministic. Throws a located NetvetError when rules contradict each other, and a
 * PlacementShortfall naming the missing capability when the target has too few hosts.
 */
export function placeWorkloads(topology: Placed, hosts: readonly PlacementHost[], targetName: string): Map<string, string> {
  const units = unitsOf(topology);
  const load = new Map<string, number>();
  const chosen: Array<string | undefined> = units.map(() => undefined);
  for (const unit of units) {
    if (!inPool(hosts, unit.pool).length) throw shortfall(topology, targetName, unit.pool, 1, hosts, unit.poolRule);
  }
  // Most constrained first: they are the ones a greedy choice could corner.
  const order = units.map((_, i) => i).sort((a, b) => units[b].apart.size - units[a].apart.size || a - b);
  let budget = 100_000;
  const assign = (k: number): boolean => {
    if (k === order.length) return true;
    if (--budget < 0) return false;
    const i = order[k];
    const unit = units[i];
    const taken = new Set([...unit.apart].map((j) => chosen[j]).filter((h) => h !== undefined));
    const candidates = inPool(hosts, unit.pool)
      .filter((h) => !taken.has(h.name))
      .sort((a, b) => (load.get(a.name) ?? 0) - (load.get(b.name) ?? 0));
    for (const host of candidates) {
      chosen[i] = host.name;
      load.set(host.name, (load.get(host.name) ?? 0) + unit.workloads.length);
      if (assign(k + 1)) return true;
      load.set(host.name, load.get(host.name)! - unit.workloads.length);
      chosen[i] = undefined;
    }
    return false;
  };
  if (!assign(0)) throw tooFew(topology, targetName, units, hosts);
  return new Map(units.flatMap((unit, i) => unit.workloads.map((w) => [w, chosen[i]!] as const)));
}

/** Joins `together` workloads into units, then applies `hosts` and `spread` rules to the units; contradictions are located errors. */
function unitsOf(topology: Placed): Unit[] {
  const position = new Map(topology.workloads.map((w, i) => [w.name, i]));
  const parent = topology.workloads.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i])));
  const rules = topology.placement;
  for (const rule of rules.filter((r) => r.kind === 'together')) {
    const first = root(position.get(rule.workloads[0])!);
    for (const name of rule.workloads) parent[root(position.get(name)!)] = first;
  }
  const roots = [...new Set(topology.workloads.map((_, i) => root(i)))];
  const index = new Map(roots.map((r, i) => [r, i]));
  const unit = (name: string) => index.get(root(position.get(name)!))!;
  const units: Unit[] = roots.map(() => ({ workloads: [], pool: { role: 'compute', avoid: null }, apart: new Set(), poolRule: null }));
  for (const w of topology.workloads) units[unit(w.name)].workloads.push(w.name);
  const required = new Map<Unit, PlacementRule>();
  const togetherOf = (name: string) => rules.find((r) => r.kind === 'together' && r.workloads.includes(name)) ?? null;

  for (const rule of rules) {
    if (rule.kind === 'hosts') {
      for (const name of rule.workloads) {
        const u = units[unit(name)];
        const earlier = required.get(u);
        if (rule.role && earlier?.kind === 'hosts' && earlier.role && earlier.role !== rule.role) {
          throw conflict(topology, rule, `${name} (or a workload it must be with) cannot be on a ${rule.role} host and on a ${earlier.role} host`, earlier);
        }
        const pool: Pool = { role: rule.role ?? u.pool.role, avoid: rule.avoidRole ?? u.pool.avoid };
        if (pool.role === pool.avoid) throw conflict(topology, rule, `${name} cannot be on a ${pool.role} host and never on one`, u.poolRule);
        if (rule.role) required.set(u, rule);
        u.pool = pool;
        u.poolRule = rule;
      }
    } else if (rule.kind === 'spread') {
      for (const [a, first] of rule.workloads.entries()) {
        for (const second of rule.workloads.slice(a + 1)) {
          const [ua, ub] = [unit(first), unit(second)];
          if (ua === ub) throw conflict(topology, rule, `spread puts ${first} and ${second} on different hosts, but they must be together`, togetherOf(first) ?? togetherOf(second));
          units[ua].apart.add(ub);
          units[ub].apart.add(ua);
        }
      }
    }
  }
  return units;
}

function located(rule: PlacementRule | null, topology: Placed): NetvetError['place'] {
  return rule ? { ...rule.source, field: 'placement' } : { file: topology.file };
}

function conflict(topology: Placed, rule: PlacementRule, what: string, other: PlacementRule | null): NetvetError {
  const also = other ? ` (the rule on line ${other.source.line})` : '';
  return new NetvetError(`placement of ${topology.name}: ${what}${also}`, 'drop or change one of the two rules', located(rule, topology));
}

function shortfall(topology: Placed, targetName: string, pool: Pool, needed: number, hosts: readonly PlacementHost[], rule: PlacementRule | null): PlacementShortfall {
  const have = inPool(hosts, pool).map((h) => h.name);
  const kind = `${pool.role} host${needed === 1 ? '' : 's'}${pool.avoid ? ` without role ${pool.avoid}` : ''}`;
  return new PlacementShortfall(
    `${topology.name} needs ${needed} ${kind} that run workloads; target '${targetName}' has ${have.length}${have.length ? ` (${have.join(', ')})` : ''}`,
    poolCapability(pool, needed),
    located(rule, topology),
  );
}

/**
 * Why no placement fits: the spread rule that needs more hosts of its pool than the target has (its
 * units counted once), else the whole set of rules.
 */
function tooFew(topology: Placed, targetName: string, units: Unit[], hosts: readonly PlacementHost[]): NetvetError {
  for (const rule of topology.placement.filter((r) => r.kind === 'spread')) {
    const byPool = new Map<string, { pool: Pool; units: Set<Unit> }>();
    for (const name of rule.workloads) {
      const u = units.find((x) => x.workloads.includes(name))!;
      const key = poolCapability(u.pool, 0);
      byPool.set(key, { pool: u.pool, units: (byPool.get(key)?.units ?? new Set()).add(u) });
    }
    for (const { pool, units: needed } of byPool.values()) {
      if (needed.size > inPool(hosts, pool).length) return shortfall(topology, targetName, pool, needed.size, hosts, rule);
    }
  }
  const spread = topology.placement.find((r) => r.kind === 'spread') ?? null;
  const most = Math.max(...units.map((u) => u.apart.size + 1));
  return shortfall(topology, targetName, { role: 'compute', avoid: null }, most, hosts, spread);
}

/**
 * The host a mirror's collector `{ role }` stands for: the first host with that role and a tunnel
 * endpoint that is not the mirrored workload's own (its copies must cross the underlay). The driver
 * sends the copies there and the scenario captures there, so both call this.
 */
export function collectorHost<H extends PlacementHost>(hosts: readonly H[], mirror: Mirror, mirroredHost: string): H & { data: { address: string } } {
  if (!('role' in mirror.collector)) throw new Error(`mirror ${mirror.name} has an address as collector, not a host`);
  const { role } = mirror.collector;
  const found = hosts.find((h): h is H & { data: { address: string } } => h.roles.includes(role) && h.data !== undefined && h.name !== mirroredHost);
  if (found) return found;
  const pool = { role, avoid: null };
  throw new PlacementShortfall(
    `mirror ${mirror.name} needs a host with role ${role} and a tunnel endpoint other than ${mirroredHost}, where ${mirror.workload} runs; the target has none`,
    poolCapability(pool, 1),
    { ...mirror.source, field: 'collector' },
  );
}
