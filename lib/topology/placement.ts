import type { Resolution } from './context';
import type { PlacementRule } from './model';
import type { PlacementRuleSpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';
import type { WorkloadDraft } from './workloads';

const KINDS = ['spread', 'together', 'workloads'] as const;

/**
 * Placement intents checked against the file alone: each rule says one thing, names workloads that
 * exist (a group meaning its replicas), and does not contradict itself. Whether a target has the
 * hosts for them is the driver's business (lib/orchestrators/shared/placement.ts).
 */
export function resolvePlacement(ctx: Resolution, spec: TopologySpec, workloads: WorkloadDraft[]): PlacementRule[] {
  return spec.placement.flatMap((rule, n): PlacementRule[] => {
    const path = ['placement', n];
    const kinds = KINDS.filter((k) => rule[k] !== undefined);
    if (kinds.length !== 1) {
      const said = kinds.length ? `says ${kinds.join(' and ')}` : 'says none of spread, together, workloads';
      ctx.fail(path, `a placement rule says one thing, this one ${said}`, 'write one rule per intent: { spread: [...] }, { together: [...] } or { workloads: [...], role: gateway }');
      return [];
    }
    const [kind] = kinds;
    const names = expand(ctx, rule[kind]!, [...path, kind], workloads);
    if (kind !== 'workloads') {
      if (rule.role !== undefined || rule.avoidRole !== undefined) {
        ctx.fail([...path, rule.role !== undefined ? 'role' : 'avoidRole'], `role and avoidRole go with 'workloads', not with '${kind}'`, `add a second rule: { workloads: [...], role: ... }`);
      }
      if (names && new Set(names).size < 2) ctx.fail([...path, kind], `'${kind}' needs at least two workloads, it names ${names.length === 1 ? names[0] : 'none'}`, 'name two or more workloads, or drop the rule');
      return names ? [{ kind, workloads: names, source: ctx.place(path) }] : [];
    }
    return hostsRule(ctx, rule, path, names);
  });
}

function hostsRule(ctx: Resolution, rule: PlacementRuleSpec, path: Path, names: string[] | undefined): PlacementRule[] {
  if (rule.role === undefined && rule.avoidRole === undefined) {
    ctx.fail(path, "a 'workloads' rule says where they go with role or avoidRole", '{ workloads: [vm1], role: gateway } or { workloads: [vm1], avoidRole: gateway }');
    return [];
  }
  if (rule.role !== undefined && rule.role === rule.avoidRole) {
    ctx.fail([...path, 'avoidRole'], `role and avoidRole are both ${rule.role}: no host can be and not be one`, 'drop one of them');
    return [];
  }
  return names ? [{ kind: 'hosts', workloads: names, role: rule.role ?? null, avoidRole: rule.avoidRole ?? null, source: ctx.place(path) }] : [];
}

/** Workload names with groups expanded to their replicas; undefined when one is unknown (reported). */
function expand(ctx: Resolution, names: string[], path: Path, workloads: WorkloadDraft[]): string[] | undefined {
  let ok = true;
  const expanded = names.flatMap((name, i) => {
    const exact = workloads.filter((w) => w.name === name);
    const replicas = exact.length ? exact : workloads.filter((w) => w.group === name);
    if (!replicas.length) {
      ok = false;
      ctx.fail([...path, i], `unknown workload '${name}'`, suggestion(name, [...new Set(workloads.flatMap((w) => [w.name, w.group]))], 'workloads'));
    }
    return replicas.map((w) => w.name);
  });
  return ok ? [...new Set(expanded)] : undefined;
}
