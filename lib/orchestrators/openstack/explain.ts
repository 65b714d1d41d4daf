import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import { listNorthbound } from '../../sdn/ovn/northbound-rows';
import type { OvnNames } from '../../sdn/ovn/explain';
import type { TraceHit } from '../../sdn/ovn/trace';
import type { NorthboundRows } from '../../sdn/ovn/trace-lookups';
import type { Deployment } from '../types';
import type { Network, Neutron, Port, Router, SecurityGroup, SecurityGroupRule } from './neutron';
import { neutronRule, sameRule } from './security-groups';

/** Neutron's port group of every port with port security: its ACLs drop what no security group rule allows. */
const DROP_GROUP = 'neutron_pg_drop';

/** A Neutron rule as a topology writes it: `ingress tcp/22 from group web`, `egress any to anywhere`. */
function ruleWords(rule: SecurityGroupRule, groupName: (id: string) => string): string {
  const ports =
    (rule.protocol === 'tcp' || rule.protocol === 'udp') && rule.port_range_min !== null
      ? `/${rule.port_range_min}${rule.port_range_max !== rule.port_range_min ? `-${rule.port_range_max}` : ''}`
      : '';
  const remote = rule.remote_group_id ? `group ${groupName(rule.remote_group_id)}` : rule.remote_ip_prefix && !/\/0$/.test(rule.remote_ip_prefix) ? rule.remote_ip_prefix : 'anywhere';
  return `${rule.direction} ${rule.protocol ?? 'any'}${ports} ${rule.direction === 'ingress' ? 'from' : 'to'} ${remote}`;
}

/**
 * OVN's names of what Neutron (ML2/OVN) made for a deployment, looked up by the names the driver
 * gave it (prefix + topology name), and OVN's words turned back into the topology's: logical switch
 * `neutron-<network id>` is network net1, router `neutron-<router id>` is r1, an ACL with
 * `neutron:security_group_rule_id` is that rule of its security group, `neutron_pg_drop` is
 * Neutron's drop of what no rule allows.
 */
export async function neutronNames(nb: NorthboundRows, neutron: Neutron, deployment: Deployment): Promise<OvnNames> {
  const { topology, prefix } = deployment;
  const named = (n: string) => `${prefix}${n}`;
  const byName = <T extends { name: string }>(rows: T[], names: string[]) => new Map(names.flatMap((n) => rows.filter((r) => r.name === named(n)).map((r) => [n, r] as const)));
  const [networks, routers, groups] = await Promise.all([
    topology.networks.length ? neutron.list<Network>('network', { name: topology.networks.map((n) => named(n.name)) }) : [],
    topology.routers.length ? neutron.list<Router>('router', { name: topology.routers.map((r) => named(r.name)) }) : [],
    topology.securityGroups.length ? neutron.list<SecurityGroup>('security_group', { name: topology.securityGroups.map((g) => named(g.name)) }) : [],
  ]);
  const network = byName(networks, topology.networks.map((n) => n.name));
  const router = byName(routers, topology.routers.map((r) => r.name));
  const group = byName(groups, topology.securityGroups.map((g) => g.name));
  const gateways = router.size ? await neutron.list<Port>('port', { device_owner: 'network:router_gateway', device_id: [...router.values()].map((r) => r.id) }) : [];
  const external = gateways[0] && (await neutron.get<Network>('network', gateways[0].network_id));
  // The external network enters OVN through the localnet port of its switch.
  let localnet: string | undefined;
  if (external) {
    const [switches, switchPorts] = await Promise.all([nb.list('Logical_Switch', ['name', 'ports']), nb.list('Logical_Switch_Port', ['_uuid', 'name', 'type'])]);
    const members = new Set(switches.find((s) => s.name === `neutron-${external.id}`)?.ports.split(' ') ?? []);
    localnet = switchPorts.find((p) => p.type === 'localnet' && members.has(p._uuid))?.name;
  }

  // By OVN's name (`neutron-<id>`) and by the friendly name ovn-trace prints (Neutron's name).
  const datapaths = new Map<string, string>([
    ...[...network].flatMap(([n, row]) => [[`neutron-${row.id}`, `network ${n}`], [row.name, `network ${n}`]] as const),
    ...[...router].flatMap(([r, row]) => [[`neutron-${row.id}`, `router ${r}`], [row.name, `router ${r}`]] as const),
    ...(external ? ([[`neutron-${external.id}`, `external network ${external.name}`], [external.name, `external network ${external.name}`]] as const) : []),
  ]);
  const groupName = (id: string) => [...group].find(([, g]) => g.id === id)?.[0] ?? id;
  const rules = new Map([...group].flatMap(([g, row]) => row.security_group_rules.map((r) => [r.id, `rule "${ruleWords(r, groupName)}" of security group ${g}`] as const)));
  // Neutron rule id -> the index of the topology rule it is, found as the driver matched them when it made them.
  const groupIds = new Map([...group].map(([g, row]) => [g, row.id]));
  const ruleIndex = new Map(
    [...group].flatMap(([g, row]) =>
      (topology.securityGroups.find((t) => t.name === g)?.rules ?? []).flatMap((rule, i) => {
        const wanted = neutronRule(row.id, rule, groupIds);
        return row.security_group_rules.filter((r) => sameRule(r, wanted)).map((r) => [r.id, i] as const);
      }),
    ),
  );
  // ovn-trace names a port by Neutron's name for it where it can, by its id (the logical switch port's name) elsewhere.
  const portIds = new Map(Object.values(deployment.workloads).flatMap((w) => w.ports.map((p, i) => [named(`${w.name}-${i}`), p.id] as const)));
  const portOf = (traced: string) => portIds.get(traced) ?? traced;
  const deployedPort = (traced: string | null) => {
    const id = traced && portOf(traced);
    for (const w of Object.values(deployment.workloads)) for (const [i, p] of w.ports.entries()) if (p.id === id) return { workload: w.name, port: topology.workloads.find((t) => t.name === w.name)?.ports[i] };
    return undefined;
  };

  return {
    switchOf: (n) => {
      const row = network.get(n);
      if (!row) throw new NetvetError(`Neutron has no network ${named(n)}`, `the deployment was removed or never finished: netvet topology destroy --prefix ${prefix}`);
      return `neutron-${row.id}`;
    },
    gatewayOf: (r) => {
      const port = gateways.find((p) => p.device_id === router.get(r)?.id);
      // ML2/OVN names a router's port `lrp-<Neutron port id>`.
      return port && localnet ? { port: `lrp-${port.id}`, localnet } : undefined;
    },
    routerOf: (r) => r,
    logicalRouterOf: (r) => {
      const row = router.get(r);
      return row && `neutron-${row.id}`;
    },
    // ML2/OVN: `pg_` + the security group id, with `_` for `-` (OVN match expressions take no `-`).
    portGroupOf: (g) => {
      const row = group.get(g);
      return row && `pg_${row.id.replace(/-/g, '_')}`;
    },
    // The logical switch port is named by the Neutron port id, which the deployment keeps.
    logicalPortOf: (w, i) => deployment.workloads[w]?.ports[i]?.id,
    // Neutron's one drop group, shared by every project: a from-lport and a to-lport drop.
    dropGroup: { name: DROP_GROUP, acls: 2 },
    // One ACL per rule: netvet's rules are IPv4 only (ethertype IPv4), each tagged with its rule id.
    aclsPerRule: 1,
    ruleOfAcl: (_group, acl) => ruleIndex.get(/neutron:security_group_rule_id=(\S+)/.exec(acl.external_ids)?.[1] ?? ''),
    portOf,
    labels: {
      datapath: (name, kind) => datapaths.get(name) ?? `${kind} ${name}`,
      aclDrop: (hit: TraceHit) => {
        if (!hit.match.includes(`@${DROP_GROUP}`)) return undefined;
        // to-lport ACLs run in the egress pipeline, on the port the packet goes out to.
        const [id, direction] = hit.pipeline === 'egress' ? [hit.outport, 'ingress'] : [hit.inport, 'egress'];
        const found = deployedPort(id);
        if (!found?.port) return undefined;
        const names = found.port.securityGroups;
        return `no ${direction} rule of ${names.length === 1 ? `security group ${names[0]}` : `security groups ${names.join(', ')}`} on ${found.workload}'s port allows it`;
      },
    },
    acls: (acl, portGroup) => {
      const rule = rules.get(/neutron:security_group_rule_id=(\S+)/.exec(acl.external_ids)?.[1] ?? '');
      if (rule) return rule;
      if (portGroup === DROP_GROUP) return `Neutron's drop ACL "${acl.match}" (${acl.direction}, priority ${acl.priority})`;
      return undefined;
    },
  };
}

/** The OVN binding of a deployment built through Neutron (ML2/OVN): how the SDN's explain, segments and drift find its objects. */
export async function neutronOvnNames(target: Target, neutron: Neutron, deployment: Deployment): Promise<OvnNames> {
  if (!target.ovn) {
    throw new NetvetError(
      `target '${target.name}' gives no OVN databases, so netvet cannot look under Neutron at ${deployment.prefix}`,
      'on an ML2/OVN cloud, add ovn.northbound and ovn.southbound to the target file; elsewhere, trust the probe and read the reachability matrix',
    );
  }
  const northbound = target.ovn.northbound;
  return neutronNames({ list: (table, columns) => listNorthbound(northbound, table, columns) }, neutron, deployment);
}
