import { FEATURES, TIERS } from '../tags';

/** How bad a failure is, by the cheapest tier that would have caught it: a sanity failure blocks a commit. */
const SEVERITY_OF_TIER: Record<(typeof TIERS)[number], string> = {
  '@sanity': 'blocker',
  '@regression': 'critical',
  '@ha': 'critical',
  '@upgrade': 'critical',
  '@perf': 'normal',
  '@scale': 'normal',
  '@gui': 'minor',
};
const SEVERITY_ORDER = ['blocker', 'critical', 'normal', 'minor', 'trivial'];

export interface AllureLabel {
  name: string;
  value: string;
}

/**
 * The labels Allure groups a scenario by, from its tags and stable id: behaviours (epic = its
 * highest tier, feature = each feature tag, story = `id title`), severity from the tier, and the
 * id itself, so a nightly's history follows the scenario through renames.
 */
export function allureLabels(title: string, tags: readonly string[], annotations: ReadonlyArray<{ type: string; description?: string }>): AllureLabel[] {
  const tiers = TIERS.filter((tier) => tags.includes(tier));
  const id = annotations.find((a) => a.type === 'id')?.description;
  const severity = tiers.map((tier) => SEVERITY_OF_TIER[tier]).sort((a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b))[0];
  return [
    ...(tiers.length ? [{ name: 'epic', value: tiers[0] }] : []),
    ...FEATURES.filter((f) => tags.includes(f)).map((f) => ({ name: 'feature', value: f })),
    { name: 'story', value: id ? `${id} ${title}` : title },
    ...(severity ? [{ name: 'severity', value: severity }] : []),
    ...(id ? [{ name: 'ALLURE_ID', value: id }] : []),
  ];
}
