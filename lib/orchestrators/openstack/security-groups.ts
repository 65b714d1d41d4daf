import type { SecurityGroupRule } from '../../topology';
import type { Neutron, SecurityGroup, SecurityGroupRule as NeutronRule } from './neutron';

/** A topology rule in Neutron's terms; remote groups by their Neutron ids. */
export function neutronRule(groupId: string, rule: SecurityGroupRule, groupIds: Map<string, string>): Record<string, unknown> {
  const ports = rule.protocol === 'tcp' || rule.protocol === 'udp' ? rule.ports : null;
  return {
    security_group_id: groupId,
    direction: rule.direction,
    ethertype: 'IPv4',
    protocol: rule.protocol === 'any' ? null : rule.protocol,
    port_range_min: ports?.min ?? null,
    port_range_max: ports?.max ?? null,
    remote_ip_prefix: rule.remoteCidr,
    remote_group_id: rule.remoteGroup ? groupIds.get(rule.remoteGroup) : null,
  };
}

/** True when a Neutron rule is the given topology rule. */
export function sameRule(existing: NeutronRule, wanted: Record<string, unknown>): boolean {
  const keys = ['direction', 'ethertype', 'protocol', 'port_range_min', 'port_range_max', 'remote_group_id'] as const;
  const prefix = (p: unknown) => (p === '0.0.0.0/0' ? null : (p ?? null));
  return keys.every((k) => (existing[k] ?? null) === (wanted[k] ?? null)) && prefix(existing.remote_ip_prefix) === prefix(wanted.remote_ip_prefix);
}

/**
 * A security group whose rules are exactly the topology's: Neutron gives every new group two
 * egress rules (IPv4 and IPv6, anywhere), which are deleted, so a group that lists no egress
 * rule really sends nothing.
 */
export async function createExactGroup(neutron: Neutron, name: string, description: string): Promise<SecurityGroup> {
  const group = await neutron.create<SecurityGroup>('security_group', { name, description });
  await Promise.all(group.security_group_rules.map((r) => neutron.delete('security_group_rule', r.id)));
  return group;
}
