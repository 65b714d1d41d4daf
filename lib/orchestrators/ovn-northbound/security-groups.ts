import type { SecurityGroup, SecurityGroupRule, Topology } from '../../topology';
import type { Names } from './names';

const PRIORITY_RULE = '1002';
const PRIORITY_DROP = '1001';

/** The protocol and destination ports of a rule (security group or policy) as OVN match clauses. */
export function protocolMatch(rule: Pick<SecurityGroupRule, 'protocol' | 'ports'>): string[] {
  if (rule.protocol === 'any') return [];
  if (rule.protocol === 'icmp') return ['icmp4'];
  const { ports } = rule;
  if (!ports) return [rule.protocol];
  const field = `${rule.protocol}.dst`;
  return ports.min === ports.max ? [`${field} == ${ports.min}`] : [`${field} >= ${ports.min}`, `${field} <= ${ports.max}`];
}

/** One rule as an OVN ACL match: ingress is toward the port (to-lport), egress from it. */
export function ruleMatch(names: Names, group: SecurityGroup, rule: SecurityGroupRule): string {
  const ingress = rule.direction === 'ingress';
  const remoteField = ingress ? 'ip4.src' : 'ip4.dst';
  const remote = rule.remoteCidr
    ? [`${remoteField} == ${rule.remoteCidr}`]
    : rule.remoteGroup
      ? [`${remoteField} == $${names.portGroup(rule.remoteGroup)}_ip4`]
      : [];
  const self = ingress ? `outport == @${names.portGroup(group.name)}` : `inport == @${names.portGroup(group.name)}`;
  return [self, 'ip4', ...remote, ...protocolMatch(rule)].join(' && ');
}

/** A rule's ACL as `acl-add` / `acl-del` take it: port group, direction, priority, match, action. */
export function ruleAcl(names: Names, group: SecurityGroup, rule: SecurityGroupRule): [string, string, string, string, string] {
  return [names.portGroup(group.name), rule.direction === 'ingress' ? 'to-lport' : 'from-lport', PRIORITY_RULE, ruleMatch(names, group, rule), 'allow-related'];
}

/**
 * Security groups as OVN port groups with stateful ACLs, the way Neutron's OVN driver does it: one
 * port group per security group with `allow-related` rules, and one drop group holding every port
 * with port security, so what no rule allows is dropped (and replies of allowed flows pass).
 */
export function securityGroupCommands(names: Names, topology: Topology): string[][] {
  const secured = topology.workloads.some((w) => w.ports.some((p) => p.portSecurity));
  const drop = names.dropGroup();
  const commands: string[][] = [];
  if (secured) {
    commands.push(
      ['pg-add', drop],
      ['set', 'port_group', drop, `external_ids:netvet=${names.prefix}`],
      ['acl-add', drop, 'from-lport', PRIORITY_DROP, `inport == @${drop} && ip`, 'drop'],
      ['acl-add', drop, 'to-lport', PRIORITY_DROP, `outport == @${drop} && ip`, 'drop'],
      // DHCP requests leave before the port has an address any rule could name.
      ['acl-add', drop, 'from-lport', PRIORITY_RULE, `inport == @${drop} && udp.src == 68 && udp.dst == 67`, 'allow'],
    );
  }
  for (const group of topology.securityGroups) {
    const pg = names.portGroup(group.name);
    commands.push(['pg-add', pg], ['set', 'port_group', pg, `external_ids:netvet=${names.prefix}`]);
    for (const rule of group.rules) commands.push(['acl-add', ...ruleAcl(names, group, rule)]);
  }
  return commands;
}

/** Port group membership, set once every logical port exists. */
export function membershipCommands(names: Names, topology: Topology): string[][] {
  const members = new Map<string, string[]>();
  const add = (pg: string, port: string) => members.set(pg, [...(members.get(pg) ?? []), port]);
  for (const workload of topology.workloads) {
    for (const port of workload.ports) {
      const lsp = names.workloadPort(workload.name, port.index);
      if (port.portSecurity) add(names.dropGroup(), lsp);
      for (const group of port.securityGroups) add(names.portGroup(group), lsp);
    }
  }
  return [...members].map(([pg, ports]) => ['pg-set-ports', pg, ...ports]);
}
