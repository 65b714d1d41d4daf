import { z } from 'zod';
import type { SecurityGroupRule, Topology } from '../topology';
import { resolveRuntimeRule, type SecurityGroupRuleSpec } from '../topology/runtime-rules';
import { NetvetError } from '../util/errors';
import { deepFreeze } from '../util/freeze';
import type { Deployment } from './types';

/**
 * Changes made to a deployment at run time, as the journal records them. A driver makes the change
 * in its orchestrator, journals it, and returns `afterOperation(deployment, change)`: the same pure
 * function rebuilds a kept deployment from its journal, so the two can never disagree.
 */
// Checked in full by resolveRuntimeRule, as a file's rules are.
const ruleSpec = z.custom<SecurityGroupRuleSpec>((value) => typeof value === 'object' && value !== null);

export const operation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('associate-floating-ip'), floatingIp: z.string(), workload: z.string(), port: z.number().int().min(0) }).strict(),
  z.object({ op: z.literal('disassociate-floating-ip'), floatingIp: z.string() }).strict(),
  z.object({ op: z.literal('add-security-group-rule'), group: z.string(), rule: ruleSpec }).strict(),
  z.object({ op: z.literal('remove-security-group-rule'), group: z.string(), rule: ruleSpec }).strict(),
  z.object({ op: z.literal('set-policy-rule-action'), policy: z.string(), rule: z.number().int().min(0), action: z.enum(['allow', 'deny']) }).strict(),
]);

export type Operation = z.infer<typeof operation>;

/** Two rules are the same rule whatever line of which file they were written on. */
export function sameRule(a: SecurityGroupRule, b: SecurityGroupRule): boolean {
  const bare = ({ source: _source, ...rest }: SecurityGroupRule) => JSON.stringify(rest);
  return bare(a) === bare(b);
}

function withGroupRules(topology: Topology, group: string, rules: (current: SecurityGroupRule[]) => SecurityGroupRule[]): Topology {
  return { ...topology, securityGroups: topology.securityGroups.map((g) => (g.name === group ? { ...g, rules: rules(g.rules) } : g)) };
}

/** The deployment as it is after `change` (frozen, as every deployment is); throws, naming the fix, for a change that does not fit it. */
export function afterOperation(deployment: Deployment, change: Operation): Deployment {
  return deepFreeze(changed(deployment, change));
}

function changed(deployment: Deployment, change: Operation): Deployment {
  const { topology } = deployment;
  switch (change.op) {
    case 'associate-floating-ip':
    case 'disassociate-floating-ip': {
      const fip = deployment.floatingIps[change.floatingIp];
      if (!fip) throw new NetvetError(`deployment ${deployment.prefix} has no floating IP '${change.floatingIp}'`, `use one of: ${Object.keys(deployment.floatingIps).join(', ') || '(none)'}`);
      const bound = change.op === 'associate-floating-ip' ? { workload: change.workload, port: change.port } : { workload: null, port: null };
      return { ...deployment, floatingIps: { ...deployment.floatingIps, [change.floatingIp]: { ...fip, ...bound } } };
    }
    case 'add-security-group-rule': {
      const { rule } = resolveRuntimeRule(topology, change.group, change.rule);
      return { ...deployment, topology: withGroupRules(topology, change.group, (rules) => [...rules, rule]) };
    }
    case 'remove-security-group-rule': {
      const { rule } = resolveRuntimeRule(topology, change.group, change.rule);
      return { ...deployment, topology: withGroupRules(topology, change.group, (rules) => rules.filter((r) => !sameRule(r, rule))) };
    }
    case 'set-policy-rule-action':
      return {
        ...deployment,
        topology: {
          ...topology,
          policies: topology.policies.map((p) => (p.name === change.policy ? { ...p, rules: p.rules.map((r, i) => (i === change.rule ? { ...r, action: change.action } : r)) } : p)),
        },
      };
  }
}

/** A kept deployment as its run-time changes left it. */
export function replayOperations(deployment: Deployment, changes: Operation[]): Deployment {
  return changes.reduce(afterOperation, deployment);
}
