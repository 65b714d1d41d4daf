import { z } from 'zod';
import { NetvetError, NetvetErrors } from '../util/errors';
import type { SourceLocator } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';
import { Resolution } from './context';
import type { SecurityGroup, SecurityGroupRule, Topology } from './model';
import { securityGroupRule } from './schema';
import { resolveRule } from './security-groups';

/** A rule as a topology file writes it: `{ direction: 'ingress', protocol: 'tcp', ports: 5000 }`. */
export type SecurityGroupRuleSpec = z.input<typeof securityGroupRule>;

/**
 * Checks a rule added to (or removed from) a built topology at run time exactly as the loader
 * checks the file's rules; errors point at the group the rule belongs to.
 */
export function resolveRuntimeRule(topology: Topology, groupName: string, spec: SecurityGroupRuleSpec): { group: SecurityGroup; rule: SecurityGroupRule } {
  const group = topology.securityGroups.find((g) => g.name === groupName);
  if (!group) {
    throw new NetvetError(`topology ${topology.name} has no security group '${groupName}'`, suggestion(groupName, topology.securityGroups.map((g) => g.name), 'security groups'), { file: topology.file });
  }
  const parsed = securityGroupRule.safeParse(spec);
  if (!parsed.success) {
    throw new NetvetError(`rule ${JSON.stringify(spec)} for security group '${groupName}' is not a rule: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`, 'write it as a topology file would', group.source);
  }
  const locator: SourceLocator = { file: group.source.file, at: () => group.source, keyAt: () => group.source };
  const ctx = new Resolution(locator);
  for (const known of topology.securityGroups) ctx.securityGroups.set(known.name, known);
  const rule = resolveRule(ctx, group, parsed.data, []);
  if (ctx.errors.length) throw new NetvetErrors(ctx.errors);
  return { group, rule };
}
