import type { Resolution } from './context';
import type { Policy, PolicyRule } from './model';
import type { PolicySpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';
import { portRange } from './security-groups';

type RuleSpec = PolicySpec['rules'][number];

/**
 * Network policies, Contrail style: attached to networks, with ordered rules naming the networks a
 * connection goes from and to. A policy governs only routed connections between two of its
 * networks, never traffic inside one network.
 */
export function resolvePolicies(ctx: Resolution, spec: TopologySpec): Policy[] {
  const seen = new Map<string, Path>();
  return spec.policies.map((policy, n) => {
    const path = ['policies', n];
    ctx.unique(seen, 'policy', policy.name, path);
    const named = policy.rules.flatMap((r) => [r.from, r.to]);
    const networks = policy.networks ?? [...new Set(named)];
    const known = new Set<string>();
    (policy.networks ?? []).forEach((net, i) => {
      if (known.has(net)) ctx.fail([...path, 'networks', i], `network '${net}' is listed twice`, 'list each network once');
      else if (ctx.network([...path, 'networks', i], net)) known.add(net);
    });
    const rules = policy.rules.map((rule, r) => resolveRule(ctx, policy, rule, [...path, 'rules', r], known));
    const tenants = [...new Set(networks.flatMap((net) => ctx.networks.get(net)?.tenant ?? []))];
    if (tenants.length > 1) ctx.fail(path, `policy '${policy.name}' spans networks of tenants ${tenants.join(', ')}`, 'attach a policy to networks of one tenant');
    if (!policy.networks && networks.length < 2) {
      ctx.fail(path, `policy '${policy.name}' is attached to ${networks.length ? `only network '${networks[0]}'` : 'no network'}`, "add rules between two networks, or list them in 'networks'");
    }
    return { name: policy.name, tenant: tenants[0] ?? ctx.tenants[0], networks, rules, default: policy.default, source: ctx.place(path) };
  });
}

function resolveRule(ctx: Resolution, policy: PolicySpec, rule: RuleSpec, path: Path, attached: Set<string>): PolicyRule {
  for (const side of ['from', 'to'] as const) {
    const net = rule[side];
    if (!ctx.network([...path, side], net)) continue;
    if (policy.networks && !attached.has(net)) {
      ctx.fail([...path, side], `network '${net}' is not attached to policy '${policy.name}'`, `add ${net} to the policy's networks, or use one of: ${[...attached].join(', ')}`);
    }
  }
  if (rule.from === rule.to) ctx.fail([...path, 'to'], `the rule goes from network '${rule.from}' to itself`, 'a policy governs connections between two networks; filter inside one with security groups');
  return {
    from: rule.from,
    to: rule.to,
    protocol: rule.protocol,
    ports: rule.ports === undefined ? null : portRange(ctx, rule, [...path, 'ports']),
    action: rule.action,
    bidirectional: rule.bidirectional,
    source: ctx.place(path),
  };
}
