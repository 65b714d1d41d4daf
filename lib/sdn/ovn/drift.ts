import type { Deployment } from '../../orchestrators/types';
import type { SecurityGroupRule, Topology } from '../../topology';
import type { OvnNames } from './explain';
import { Southbound } from './southbound';
import type { NorthboundRows } from './trace-lookups';

type Rows = Array<Record<string, string>>;

/** The northbound tables (and columns) drift is judged on: each read once, then compared in memory. */
export const DRIFT_NORTHBOUND = {
  Logical_Switch: ['_uuid', 'name', 'ports'],
  Logical_Switch_Port: ['_uuid', 'name', 'addresses'],
  Logical_Router: ['_uuid', 'name', 'ports', 'static_routes', 'nat', 'load_balancer'],
  Logical_Router_Port: ['_uuid', 'name', 'mac', 'networks', 'gateway_chassis', 'ha_chassis_group'],
  Logical_Router_Static_Route: ['_uuid', 'ip_prefix', 'nexthop'],
  NAT: ['_uuid', 'type', 'external_ip', 'logical_ip'],
  Load_Balancer: ['_uuid', 'name', 'protocol', 'vips'],
  Port_Group: ['_uuid', 'name', 'ports', 'acls'],
  ACL: ['_uuid', 'direction', 'priority', 'match', 'action', 'external_ids'],
  Gateway_Chassis: ['_uuid', 'chassis_name', 'priority'],
  HA_Chassis_Group: ['_uuid', 'name', 'ha_chassis'],
  HA_Chassis: ['_uuid', 'chassis_name', 'priority'],
} as const;

/** The southbound side: registered chassis, the tunnels they announce, where gateway ports run. */
export const DRIFT_SOUTHBOUND = {
  Chassis: ['_uuid', 'name', 'hostname'],
  Encap: ['chassis_name', 'type', 'ip'],
  Port_Binding: ['logical_port', 'chassis'],
} as const;

/** Every row drift is judged on, as text columns (sets as space-separated words, maps as `k=v` words). */
export interface DriftRows {
  northbound: Record<keyof typeof DRIFT_NORTHBOUND, Rows>;
  southbound: Record<keyof typeof DRIFT_SOUTHBOUND, Rows>;
}

/** Reads each table once, all in parallel (Port_Binding: only the gateway ports' `cr-` bindings). */
export async function readDriftRows(northbound: NorthboundRows, southbound: string): Promise<DriftRows> {
  const sb = new Southbound(southbound);
  const text = (rows: Array<Record<string, string | number>>) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
  const nbTables = Object.entries(DRIFT_NORTHBOUND) as Array<[keyof typeof DRIFT_NORTHBOUND, readonly string[]]>;
  const [nb, chassis, encaps, bindings] = await Promise.all([
    Promise.all(nbTables.map(([table, columns]) => northbound.list(table, [...columns]))),
    sb.find('Chassis', [...DRIFT_SOUTHBOUND.Chassis]),
    sb.find('Encap', [...DRIFT_SOUTHBOUND.Encap]),
    sb.find('Port_Binding', [...DRIFT_SOUTHBOUND.Port_Binding], ['type=chassisredirect']),
  ]);
  return {
    northbound: Object.fromEntries(nbTables.map(([table], i) => [table, nb[i]])) as DriftRows['northbound'],
    southbound: { Chassis: text(chassis), Encap: text(encaps), Port_Binding: text(bindings) },
  };
}

/**
 * What the deployment asked the SDN for and the SDN no longer holds, one sentence per difference in
 * the topology's words, the likeliest cause of a wrong verdict first (see `driftOf`); empty when
 * nothing drifted. Reads each table once (northbound through `northbound`, southbound at the OVSDB
 * connection string `southbound`), in parallel.
 */
export async function ovnDrift(input: { northbound: NorthboundRows; southbound: string; deployment: Deployment; names: OvnNames }): Promise<string[]> {
  return driftOf(await readDriftRows(input.northbound, input.southbound), input.deployment, input.names);
}

const words = (value: string | undefined) => (value ? value.split(' ').filter(Boolean) : []);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A topology rule as a topology file reads: `ingress tcp/22 from group web`, `egress any to anywhere`. */
export function ruleWords(rule: SecurityGroupRule): string {
  const ports = rule.ports ? `/${rule.ports.min}${rule.ports.max !== rule.ports.min ? `-${rule.ports.max}` : ''}` : '';
  const remote = rule.remoteGroup ? `group ${rule.remoteGroup}` : rule.remoteCidr && !/\/0$/.test(rule.remoteCidr) ? rule.remoteCidr : 'anywhere';
  return `${rule.direction} ${rule.protocol}${ports} ${rule.direction === 'ingress' ? 'from' : 'to'} ${remote}`;
}

/**
 * The pure comparison: rows in, sentences out. Biggest first (a switch, router or port group gone
 * explains everything under it, so what is under it is not listed again), then tunnels and gateway
 * chassis, which break whole paths, then the single rules (NAT, routes, ACLs, port forwardings).
 */
export function driftOf(rows: DriftRows, deployment: Deployment, names: OvnNames): string[] {
  const nb = rows.northbound;
  const { topology } = deployment;
  const byName = (table: Rows) => new Map(table.map((r) => [r.name, r]));
  const byUuid = (table: Rows) => new Map(table.map((r) => [r._uuid, r]));
  const switches = byName(nb.Logical_Switch);
  const switchPortsByName = byName(nb.Logical_Switch_Port);
  const routers = byName(nb.Logical_Router);
  const groups = byName(nb.Port_Group);
  const gone: string[] = [];
  const chassis: string[] = [];
  const rules: string[] = [];
  const last: string[] = [];

  // Networks: the logical switch, and which switch holds each port.
  const switchOfPort = new Map<string, string>();
  const lostSwitch = new Set<string>();
  // A driver that looks names up in its orchestrator throws for an object the orchestrator lost: not the SDN's drift.
  const switchOf = (network: string) => {
    try {
      return names.switchOf(network);
    } catch {
      return undefined;
    }
  };
  for (const network of topology.networks) {
    const name = switchOf(network.name);
    if (name === undefined) continue;
    const ls = switches.get(name);
    if (!ls) {
      gone.push(`network ${network.name}: its logical switch ${name} is gone`);
      lostSwitch.add(network.name);
      continue;
    }
    for (const uuid of words(ls.ports)) switchOfPort.set(uuid, name);
  }

  // Workload ports: there, on their network's switch, with the planned MAC and address.
  const portUuid = new Map<string, string>();
  for (const workload of topology.workloads) {
    for (const port of workload.ports) {
      const deployed = deployment.workloads[workload.name]?.ports[port.index];
      const id = names.logicalPortOf?.(workload.name, port.index) ?? deployed?.id;
      const network = switchOf(port.network);
      if (!id || !network || lostSwitch.has(port.network)) continue;
      const what = `workload ${workload.name}'s port ${port.index} (${id})`;
      const lsp = switchPortsByName.get(id);
      if (!lsp) {
        gone.push(`${what} is gone from network ${port.network}`);
        continue;
      }
      portUuid.set(`${workload.name}:${port.index}`, lsp._uuid);
      const on = switchOfPort.get(lsp._uuid);
      if (on !== network) gone.push(`${what} is ${on ? `on switch ${on}` : 'on no switch'}, not on network ${port.network}`);
      // What the deployment got (an orchestrator may pick the MAC), else what the topology planned.
      const [mac, address] = [deployed?.mac ?? port.mac, deployed?.address ?? port.address];
      const addresses = words(lsp.addresses).map((w) => w.toLowerCase());
      if (!addresses.includes(mac.toLowerCase()) || !addresses.includes(address)) {
        rules.push(`${what} has addresses "${lsp.addresses || 'none'}", not its planned ${mac} ${address}`);
      }
    }
  }

  // Routers: interfaces, static routes, gateway port, SNAT and floating IP rules.
  const routerPorts = byUuid(nb.Logical_Router_Port);
  const routes = byUuid(nb.Logical_Router_Static_Route);
  const nats = byUuid(nb.NAT);
  const balancers = byUuid(nb.Load_Balancer);
  const registered = new Set(rows.southbound.Chassis.map((c) => c.name));
  const chassisName = new Map(rows.southbound.Chassis.map((c) => [c._uuid, c.name]));
  const routerRows = new Map<string, Record<string, string>>();
  for (const router of topology.routers) {
    const name = names.logicalRouterOf?.(router.name);
    if (name === undefined) continue;
    const lr = routers.get(name);
    if (!lr) {
      gone.push(`router ${router.name}: its logical router ${name} is gone`);
      continue;
    }
    routerRows.set(router.name, lr);
    const ports = words(lr.ports).map((u) => routerPorts.get(u)).filter((p) => p !== undefined);
    for (const iface of router.interfaces) {
      const cidr = `${iface.address}/${iface.prefixLength}`;
      const port = ports.find((p) => words(p.networks).includes(cidr));
      if (!port) gone.push(`router ${router.name} lost its interface on ${iface.network} (${cidr})`);
      else if (port.mac.toLowerCase() !== iface.mac.toLowerCase()) rules.push(`router ${router.name}'s interface on ${iface.network} has MAC ${port.mac}, not its planned ${iface.mac}`);
    }
    const own = words(lr.static_routes).map((u) => routes.get(u)).filter((r) => r !== undefined);
    for (const route of router.routes) {
      if (!own.some((r) => r.ip_prefix === route.destination && r.nexthop === route.nexthop)) rules.push(`router ${router.name} lost its static route ${route.destination} via ${route.nexthop}`);
    }
    if (!router.externalGateway) continue;
    // Unknown (null) when the deployment was rebuilt from an SDN that lost the gateway port.
    const gatewayAddress = deployment.routers[router.name]?.externalAddress ?? null;
    const gateway = names.gatewayOf(router.name);
    const gatewayPort = gateway && ports.find((p) => p.name === gateway.port);
    if (gateway && !gatewayPort) gone.push(`router ${router.name}'s gateway port ${gateway.port} is gone`);
    const gatewayDrift = gatewayPort && gatewayChassisDrift(router.name, gatewayPort, nb, registered, rows.southbound.Port_Binding, chassisName);
    if (typeof gatewayDrift === 'string') chassis.push(gatewayDrift);
    else if (gatewayDrift) last.push(gatewayDrift.last);
    const natRules = words(lr.nat).map((u) => nats.get(u)).filter((n) => n !== undefined);
    if (router.externalGateway.snat) {
      for (const iface of router.interfaces) {
        const snat = natRules.find((n) => n.type === 'snat' && n.logical_ip === iface.cidr);
        if (!snat) rules.push(`router ${router.name} lost its SNAT rule for ${iface.cidr}`);
        else if (gatewayAddress && snat.external_ip !== gatewayAddress) rules.push(`router ${router.name}'s SNAT rule for ${iface.cidr} translates to ${snat.external_ip}, not its gateway address ${gatewayAddress}`);
      }
    }
  }

  // Floating IPs: the dnat_and_snat rule of a bound one, the load balancer VIPs of port forwardings.
  for (const fip of Object.values(deployment.floatingIps)) {
    const planned = topology.floatingIps.find((f) => f.name === fip.name);
    if (fip.workload !== null) {
      const inside = topology.workloads.find((w) => w.name === fip.workload)?.ports[fip.port ?? 0];
      const router = inside && routerServing(topology, inside.network);
      const lr = router && routerRows.get(router);
      if (!inside || !router || !lr) continue;
      const what = `floating IP ${fip.name} (${fip.address} -> ${fip.workload})`;
      const rule = words(lr.nat).map((u) => nats.get(u)).find((n) => n?.type === 'dnat_and_snat' && n.external_ip === fip.address);
      if (!rule) rules.push(`${what}: its dnat_and_snat rule is gone from router ${router}`);
      else if (rule.logical_ip !== inside.address) rules.push(`${what}: its dnat_and_snat rule on router ${router} leads to ${rule.logical_ip}, not ${fip.workload}'s ${inside.address}`);
    }
    for (const pf of planned?.portForwardings ?? []) {
      const inside = topology.workloads.find((w) => w.name === pf.workload)?.ports[pf.port];
      const router = inside && routerServing(topology, inside.network);
      const lr = router && routerRows.get(router);
      if (!inside || !router || !lr) continue;
      const vips = words(lr.load_balancer)
        .map((u) => balancers.get(u))
        .filter((b) => b !== undefined && (b.protocol || 'tcp') === pf.protocol)
        .flatMap((b) => words(b!.vips));
      const vip = `${fip.address}:${pf.externalPort}`;
      const found = vips.find((v) => v.split('=')[0] === vip);
      const what = `floating IP ${fip.name}: its port forwarding ${pf.protocol}/${pf.externalPort} -> ${pf.workload}:${pf.internalPort}`;
      if (!found) rules.push(`${what} is gone from router ${router}`);
      else if (found.split('=')[1] !== `${inside.address}:${pf.internalPort}`) rules.push(`${what} leads to ${found.split('=')[1]} on router ${router}, not ${inside.address}:${pf.internalPort}`);
    }
  }

  // Security groups: the port group, its members, and an ACL for each rule.
  const acls = byUuid(nb.ACL);
  for (const group of topology.securityGroups) {
    const name = names.portGroupOf?.(group.name);
    if (name === undefined) continue;
    const pg = groups.get(name);
    if (!pg) {
      gone.push(`security group ${group.name}: its port group ${name} is gone`);
      continue;
    }
    const members = new Set(words(pg.ports));
    for (const workload of topology.workloads) {
      for (const port of workload.ports.filter((p) => p.securityGroups.includes(group.name))) {
        const uuid = portUuid.get(`${workload.name}:${port.index}`);
        if (uuid && !members.has(uuid)) rules.push(`security group ${group.name}: workload ${workload.name}'s port ${port.index} is no longer in port group ${name}`);
      }
    }
    const own = words(pg.acls).map((u) => acls.get(u)).filter((a) => a !== undefined);
    const perRule = names.aclsPerRule ?? 1;
    const wanted = group.rules.length * perRule;
    // Where the driver tells which rule an ACL implements, a rule whose ACL was changed counts as gone too.
    const missing = names.ruleOfAcl ? group.rules.filter((_, i) => own.filter((a) => names.ruleOfAcl!(group.name, a) === i).length < perRule) : [];
    const lost = Math.max(wanted - own.length, missing.length * perRule);
    if (lost <= 0) continue;
    const which = missing.length ? ` (${missing.length > 1 ? 'rules' : 'rule'} ${missing.map((r) => `"${ruleWords(r)}"`).join(', ')})` : '';
    rules.push(
      lost >= wanted
        ? `security group ${group.name}: its ${plural(wanted, 'ACL')} ${wanted === 1 ? 'is' : 'are'} gone from port group ${name}`
        : `security group ${group.name}: ${lost} of its ${plural(wanted, 'ACL')} ${lost === 1 ? 'is' : 'are'} gone from port group ${name}${which}`,
    );
  }

  // The drop group: without it (or its ACLs, or a port's membership), what no rule allows passes.
  const secured = topology.workloads.flatMap((w) => w.ports.filter((p) => p.portSecurity).map((p) => ({ workload: w.name, index: p.index })));
  const drop = names.dropGroup;
  const dropGroup = drop && secured.length ? groups.get(drop.name) : undefined;
  if (drop && secured.length && !dropGroup) gone.push(`security groups: port group ${drop.name}, which drops what no rule allows, is gone, so everything passes`);
  if (drop && dropGroup) {
    const have = words(dropGroup.acls).filter((u) => acls.has(u)).length;
    if (have < drop.acls) rules.push(`security groups: ${have ? `${drop.acls - have} of the ${drop.acls}` : `the ${drop.acls}`} ACLs of port group ${drop.name}, which drop what no rule allows, are gone`);
    const members = new Set(words(dropGroup.ports));
    for (const { workload, index } of secured) {
      const uuid = portUuid.get(`${workload}:${index}`);
      if (uuid && !members.has(uuid)) rules.push(`workload ${workload}'s port ${index} is no longer in port group ${drop.name}, so what no rule allows passes to and from it`);
    }
  }

  return [...gone, ...encapsulationDrift(rows.southbound.Encap, rows.southbound.Chassis), ...chassis, ...rules, ...last];
}

/** The router with an external gateway on `network`: the one a floating IP there is NATed on. */
function routerServing(topology: Topology, network: string): string | undefined {
  return topology.routers.find((r) => r.externalGateway && r.interfaces.some((i) => i.network === network))?.name;
}

/**
 * Chassis that share no tunnel type with the others. ovn-controller tunnels to a peer only with a
 * type both announce, so a chassis on another type is cut off while everything above looks right.
 */
function encapsulationDrift(encaps: Rows, chassis: Rows): string[] {
  const types = new Map<string, Set<string>>(chassis.map((c) => [c.name, new Set<string>()]));
  for (const e of encaps) types.set(e.chassis_name, (types.get(e.chassis_name) ?? new Set<string>()).add(e.type));
  const key = (set: Set<string>) => [...set].sort().join('+');
  const counts = new Map<string, number>();
  for (const set of types.values()) if (set.size) counts.set(key(set), (counts.get(key(set)) ?? 0) + 1);
  if (!counts.size || (counts.size === 1 && [...types.values()].every((set) => set.size))) return [];
  // The peers: the setting most chassis share (by name on a tie, so the sentence is stable).
  const peers = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0].split('+');
  const said = (list: string[]) => list.join(' or ');
  return [...types]
    .filter(([, set]) => !set.size || !peers.some((t) => set.has(t)))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, set]) => (set.size ? `chassis ${name} tunnels with ${said([...set].sort())}, its peers with ${said(peers)}` : `chassis ${name} announces no tunnel, its peers tunnel with ${said(peers)}`));
}

/** Where a router's gateway port may run (Gateway_Chassis or HA_Chassis_Group) against the chassis registered. */
function gatewayChassisDrift(router: string, port: Record<string, string>, nb: DriftRows['northbound'], registered: Set<string>, bindings: Rows, chassisName: Map<string, string>): string | { last: string } | undefined {
  const pick = (table: Rows, uuids: string[]) => uuids.map((u) => table.find((r) => r._uuid === u)).filter((r) => r !== undefined);
  const group = pick(nb.HA_Chassis_Group, words(port.ha_chassis_group))[0];
  const candidates = [...pick(nb.Gateway_Chassis, words(port.gateway_chassis)), ...pick(nb.HA_Chassis, words(group?.ha_chassis))].sort((a, b) => Number(b.priority) - Number(a.priority));
  const what = `router ${router}'s gateway port`;
  if (!candidates.length) return `${what} ${port.name} has no gateway chassis`;
  const missing = candidates.filter((c) => !registered.has(c.chassis_name)).map((c) => `'${c.chassis_name}'`);
  const binding = bindings.find((b) => b.logical_port === `cr-${port.name}`);
  const boundTo = binding && chassisName.get(binding.chassis);
  if (missing.length === candidates.length) return `${what} is bound to chassis ${missing.join(' and ')}, ${missing.length === 1 ? 'which is not' : 'none of which is'} registered`;
  // Still served by a lower-priority chassis: last, since traffic flows (until that chassis fails).
  if (missing.length && !registered.has(candidates[0].chassis_name)) {
    return { last: `${what} prefers chassis ${missing[0]}, which is not registered${boundTo ? `, so it runs on ${boundTo}` : ''}` };
  }
  // Gateway chassis registered, yet ovn-controller claimed the port nowhere.
  if (binding && !boundTo) return `${what} is bound to no chassis (its gateway chassis: ${candidates.map((c) => c.chassis_name).join(', ')})`;
  return undefined;
}
