import type { Policy, PolicyAction, PolicyRule, Topology } from '../../topology';
import { NetvetError } from '../../util/errors';
import type { Deployment } from '../types';
import { Names } from './names';
import type { Northbound } from './northbound';
import { protocolMatch } from './security-groups';

/** The policies' rules, in file order, from FIRST_RULE down: the first rule a connection matches decides. */
const FIRST_RULE = 2000;
const MAX_RULES = 900;
/** Where policies on a connection disagree, the deny default wins. */
const DEFAULT = { deny: 1001, allow: 1000 };
/** Below everything: only there so the switch is stateful even when the policy has no allow. */
const TRACK = 999;

/**
 * Network policies as ACLs on the logical switch of the network a connection leaves (from-lport):
 * `allow-related` for allow, `drop` for deny, one priority per rule so the policies' rules read as
 * one ordered list (Contrail's policy sequence), then the defaults for anything between attached
 * networks. Stateful: the reply of an allowed connection passes the other switch whatever that
 * switch drops, because OVN lets established replies through before any ACL. Each rule's ACLs carry
 * the rule's index, so a rule changes at run time by its action alone.
 */
export function policyCommands(names: Names, topology: Topology): string[][] {
  const total = topology.policies.reduce((sum, p) => sum + p.rules.length, 0);
  if (total > MAX_RULES) throw new NetvetError(`the policies have ${total} rules`, `keep them to ${MAX_RULES} in all`, topology.policies[0].source);
  let next = FIRST_RULE;
  return topology.policies.flatMap((policy) => {
    refuseSecurityGroups(topology, policy);
    return [
      ...policy.rules.flatMap((rule, n) => {
        const priority = next--;
        return connections(topology, rule).flatMap((c) => aclCommands(names, policy, c, { priority, action: rule.action, role: `rule-${n}` }));
      }),
      ...policy.networks.flatMap((net) => {
        const c = { network: net, match: scope(topology, policy, net) };
        return [
          ...aclCommands(names, policy, c, { priority: DEFAULT[policy.default], action: policy.default, role: 'default' }),
          ...aclCommands(names, policy, c, { priority: TRACK, action: 'allow', role: 'track' }),
        ];
      }),
    ];
  });
}

/**
 * OVN 23.03 ACLs have no action that passes a packet on to lower priorities (ACL tiers came in
 * 23.06), so a policy's allow would also bypass the security groups of the port it leaves by.
 * Rather than filter wrongly, the lab refuses the combination.
 */
function refuseSecurityGroups(topology: Topology, policy: Policy): void {
  for (const workload of topology.workloads) {
    const port = workload.ports.find((p) => p.portSecurity && policy.networks.includes(p.network));
    if (port) {
      throw new NetvetError(
        `policy '${policy.name}' covers network '${port.network}', where workload '${workload.name}' port ${port.interface} has security groups: the lab's OVN cannot apply both to one port`,
        `leave the port's securityGroups out, or keep the policy off network '${port.network}'`,
        policy.source,
      );
    }
  }
}

/** Sets one rule's action at run time: its ACLs change action in one transaction; returns once every chassis has the flows. */
export async function setPolicyRuleAction(nb: Northbound, deployment: Deployment, policyName: string, index: number, action: PolicyAction): Promise<void> {
  const { topology } = deployment;
  const policy = topology.policies.find((p) => p.name === policyName);
  if (!policy) throw new NetvetError(`topology ${topology.name} has no policy '${policyName}'`, `use one of: ${topology.policies.map((p) => p.name).join(', ') || '(none)'}`);
  if (!policy.rules[index]) throw new NetvetError(`policy '${policyName}' has no rule ${index}`, `use a rule index from 0 to ${policy.rules.length - 1}`, policy.source);
  const marks = [`netvet-policy=${new Names(deployment.prefix).prefix}${policy.name}`, `netvet-acl=rule-${index}`];
  const rows = (await nb.list('ACL', ['_uuid', 'external_ids'])).filter((row) => marks.every((m) => row.external_ids.split(' ').includes(m)));
  if (!rows.length) throw new NetvetError(`no ACL of rule ${index} of policy '${policyName}' is left in the northbound database`, 'something removed it behind netvet: rebuild the topology');
  await nb.run(rows.map((row) => ['set', 'ACL', row._uuid, `action=${aclAction(action)}`]), { wait: 'hv' });
}

const aclAction = (action: PolicyAction) => (action === 'allow' ? 'allow-related' : 'drop');

let sequence = 0;

/** One ACL with the policy's marks, attached to the switch of the network the connection leaves. */
function aclCommands(names: Names, policy: Policy, { network, match }: Connection, acl: { priority: number; action: PolicyAction; role: string }): string[][] {
  const id = `@acl${sequence++}`;
  return [
    [
      `--id=${id}`, 'create', 'ACL', 'direction=from-lport', `priority=${acl.priority}`, `match=${JSON.stringify(match)}`, `action=${aclAction(acl.action)}`,
      `external_ids:netvet=${names.prefix}`, `external_ids:netvet-policy=${names.prefix}${policy.name}`, `external_ids:netvet-acl=${acl.role}`,
    ],
    ['add', 'Logical_Switch', names.switch(network), 'acls', id],
  ];
}

interface Connection {
  /** The network the connection leaves. */
  network: string;
  match: string;
}

/** Connections from `network` to the policy's other networks. */
function scope(topology: Topology, policy: Policy, network: string): string {
  return `ip4.src == ${addresses(topology, [network])} && ip4.dst == ${addresses(topology, policy.networks.filter((n) => n !== network))}`;
}

/** The connections a rule covers: one direction, or both. */
function connections(topology: Topology, rule: PolicyRule): Connection[] {
  const one = (from: string, to: string) => ({
    network: from,
    match: [`ip4.src == ${addresses(topology, [from])}`, `ip4.dst == ${addresses(topology, [to])}`, ...protocolMatch(rule)].join(' && '),
  });
  return rule.bidirectional ? [one(rule.from, rule.to), one(rule.to, rule.from)] : [one(rule.from, rule.to)];
}

/** The networks' subnets as an OVN address set literal. */
function addresses(topology: Topology, networks: string[]): string {
  const cidrs = topology.networks.filter((n) => networks.includes(n.name)).flatMap((n) => n.subnets.map((s) => s.cidr));
  return `{${cidrs.join(', ')}}`;
}
