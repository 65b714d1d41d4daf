import type { Resolution } from './context';
import { hasHostBits, networkCidr } from './ipv4';
import type { PortRange, SecurityGroup, SecurityGroupRule } from './model';
import type { SecurityGroupSpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';

type RuleSpec = SecurityGroupSpec['rules'][number];

export function resolveSecurityGroups(ctx: Resolution, spec: TopologySpec): SecurityGroup[] {
  const seen = new Map<string, Path>();
  // All groups are known before any rule is read: a rule may name a group defined further down.
  const groups = spec.securityGroups.map((group, n): SecurityGroup => {
    const path = ['securityGroups', n];
    ctx.unique(seen, 'security group', group.name, path);
    const resolved = { name: group.name, tenant: ctx.tenant(path, group.tenant), rules: [], source: ctx.place(path) };
    if (!ctx.securityGroups.has(group.name)) ctx.securityGroups.set(group.name, resolved);
    return resolved;
  });
  spec.securityGroups.forEach((group, n) => {
    groups[n].rules = group.rules.map((rule, r) => resolveRule(ctx, groups[n], rule, ['securityGroups', n, 'rules', r]));
  });
  return groups;
}

export function resolveRule(ctx: Resolution, group: SecurityGroup, rule: RuleSpec, path: Path): SecurityGroupRule {
  if (rule.remoteCidr !== undefined && rule.remoteGroup !== undefined) {
    ctx.fail(path, 'a rule matches either remoteCidr or remoteGroup, not both', 'split it into two rules');
  }
  if (rule.remoteGroup !== undefined) {
    const remote = ctx.securityGroups.get(rule.remoteGroup);
    if (!remote) {
      ctx.fail([...path, 'remoteGroup'], `unknown security group '${rule.remoteGroup}'`, suggestion(rule.remoteGroup, [...ctx.securityGroups.keys()], 'security groups'));
    } else if (remote.tenant !== group.tenant) {
      ctx.fail([...path, 'remoteGroup'], `security group '${remote.name}' belongs to tenant '${remote.tenant}', not '${group.tenant}'`, 'refer only to groups of the same tenant');
    }
  }
  let remoteCidr = rule.remoteCidr ?? null;
  if (remoteCidr !== null && hasHostBits(remoteCidr)) {
    remoteCidr = networkCidr(remoteCidr);
    ctx.fail([...path, 'remoteCidr'], `${rule.remoteCidr} has host bits set; its network address is ${remoteCidr}`, `write remoteCidr: ${remoteCidr}`);
  }
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ports: rule.ports === undefined ? null : portRange(ctx, rule, [...path, 'ports']),
    remoteCidr,
    remoteGroup: rule.remoteGroup ?? null,
    source: ctx.place(path),
  };
}

/** The ports of a security group or policy rule, checked: only tcp and udp have them. */
export function portRange(ctx: Resolution, rule: { protocol: string; ports?: number | string }, path: Path): PortRange | null {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') {
    ctx.fail(path, `ports apply only to tcp and udp, not ${rule.protocol}`, 'remove ports, or set protocol: tcp or udp');
    return null;
  }
  const [min, max] = typeof rule.ports === 'number' ? [rule.ports, rule.ports] : String(rule.ports).split('-').map(Number);
  if (min < 1 || max > 65535 || min > max) {
    ctx.fail(path, `'${rule.ports}' is not a port range`, 'write "<first>-<last>" with 1 <= first <= last <= 65535');
    return null;
  }
  return { min, max };
}
