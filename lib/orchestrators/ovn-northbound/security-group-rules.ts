import { resolveRuntimeRule, type SecurityGroupRuleSpec } from '../../topology/runtime-rules';
import { NetvetError } from '../../util/errors';
import type { Deployment } from '../types';
import { Names } from './names';
import type { Northbound } from './northbound';
import { ruleAcl } from './security-groups';

/**
 * Security group rules changed at run time: one ACL added to or removed from the group's port
 * group. No undo is journaled: the ACLs die with their port group (the change itself is, by the driver).
 */
export async function addSecurityGroupRule(nb: Northbound, deployment: Deployment, groupName: string, spec: SecurityGroupRuleSpec): Promise<void> {
  const names = new Names(deployment.prefix);
  const { group, rule } = resolveRuntimeRule(deployment.topology, groupName, spec);
  const acl = ruleAcl(names, group, rule);
  if (group.rules.some((r) => ruleAcl(names, group, r)[3] === acl[3])) {
    throw new NetvetError(`security group '${groupName}' already has the rule ${JSON.stringify(spec)}`, 'add a rule the group does not have');
  }
  await nb.run([['acl-add', ...acl]], { wait: 'hv' });
}

export async function removeSecurityGroupRule(nb: Northbound, deployment: Deployment, groupName: string, spec: SecurityGroupRuleSpec): Promise<void> {
  const names = new Names(deployment.prefix);
  const { group, rule } = resolveRuntimeRule(deployment.topology, groupName, spec);
  const [pg, direction, priority, match] = ruleAcl(names, group, rule);
  const index = group.rules.findIndex((r) => ruleAcl(names, group, r)[3] === match);
  if (index < 0) {
    throw new NetvetError(`security group '${groupName}' has no rule ${JSON.stringify(spec)}`, `its rules match: ${group.rules.map((r) => ruleAcl(names, group, r)[3]).join('; ') || 'nothing'}`);
  }
  await nb.run([['acl-del', pg, direction, priority, match]], { wait: 'hv' });
}
