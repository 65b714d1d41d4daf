import { capabilityProblem } from './capabilities';

/**
 * The one registered list of tags. Tiers pick what runs when (`--grep "@sanity(\s|$)"`); features
 * say what a scenario covers. A scenario with a tag not listed here, or without a stable id,
 * fails (see fixtures/catalog.ts), so a typo can never drop a test from a tier silently.
 */
export const TIERS = ['@sanity', '@regression', '@perf', '@scale', '@upgrade', '@ha', '@gui'] as const;

export const FEATURES = [
  '@l2', '@l3', '@sg', '@fip', '@nat', '@policy', '@encap', '@ecmp', '@tenancy', '@routes', '@dhcp', '@underlay', '@mirror', '@mtu', '@bgpvpn',
] as const;

/** `@serial`: disruptive, runs alone in its own project. */
export const MODIFIERS = ['@serial'] as const;

export const REGISTERED_TAGS: ReadonlySet<string> = new Set([...TIERS, ...FEATURES, ...MODIFIERS]);

/** Stable ids survive renames, so a nightly history follows one scenario: `NV-<AREA>-<number>`. */
export const STABLE_ID = /^NV-[A-Z0-9]+-\d{3}$/;

export interface CatalogProblem {
  test: string;
  problem: string;
}

/** What is wrong with one scenario's tags and annotations (empty when it is fine). */
export function catalogProblems(title: string, tags: readonly string[], annotations: ReadonlyArray<{ type: string; description?: string }>): CatalogProblem[] {
  const problems: CatalogProblem[] = tags
    .filter((tag) => !REGISTERED_TAGS.has(tag))
    .map((tag) => ({ test: title, problem: `tag ${tag} is not registered (lib/tags.ts lists: ${[...REGISTERED_TAGS].join(' ')})` }));
  const ids = annotations.filter((a) => a.type === 'id');
  if (ids.length !== 1 || !STABLE_ID.test(ids[0].description ?? '')) {
    problems.push({ test: title, problem: "needs exactly one annotation { type: 'id', description: 'NV-AREA-000' }" });
  }
  if (!tags.some((tag) => (TIERS as readonly string[]).includes(tag))) problems.push({ test: title, problem: `needs a tier tag (${TIERS.join(' ')})` });
  // A misspelt requirement would skip the scenario on every target, silently.
  for (const required of annotations.filter((a) => a.type === 'requires')) {
    const problem = capabilityProblem(required.description ?? '');
    if (problem) problems.push({ test: title, problem });
  }
  return problems;
}
